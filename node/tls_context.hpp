#pragma once
// The TLS context RTMPS listeners use, from the node settings: a PEM certificate chain
// and key (tls_cert_path + tls_key_path) or a PKCS#12 bundle (tls_cert_path +
// tls_cert_password), as mmids accepts.
#include "mmids-core/settings/node_settings.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>

namespace mmids::node {

// nullptr when the settings name no certificate. Throws std::runtime_error naming the
// file and the reason when they name one that cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> make_rtmps_context(const settings::NodeSettings& settings);

}  // namespace mmids::node
