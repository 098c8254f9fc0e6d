#pragma once
// mmids-core/http: the small HTTP layer on Boost.Beast. Include this for all of it.
#include "mmids-core/http/client.hpp"
#include "mmids-core/http/message.hpp"
#include "mmids-core/http/router.hpp"
#include "mmids-core/http/server.hpp"
#include "mmids-core/http/url.hpp"
