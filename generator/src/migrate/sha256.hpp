#pragma once

#include <string>
#include <string_view>

namespace hyperschema::migrate {

// SHA-256 of the bytes, as 64 lowercase hex digits (FIPS 180-4). Used for the
// migration checksum file; small enough not to need a crypto library.
std::string sha256_hex(std::string_view data);

}  // namespace hyperschema::migrate
