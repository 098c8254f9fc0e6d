#pragma once
// Everything about RTMP messages above the chunk layer, in one include: the message
// struct and type ids, protocol/user control, commands, data and aggregate messages.
#include "mmids-core/rtmp/protocol/command_messages.hpp"
#include "mmids-core/rtmp/protocol/control_messages.hpp"
#include "mmids-core/rtmp/protocol/data_messages.hpp"
#include "mmids-core/rtmp/protocol/rtmp_message.hpp"
#include "mmids-core/rtmp/protocol/status_codes.hpp"
