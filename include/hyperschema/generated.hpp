#pragma once

// What the headers `hyperschema generate` writes include: the value types of
// row members, column metadata, range options, and the callback type of the
// streaming helpers. Kept light, since every file of an application that
// uses a table includes it; the helpers' bodies, and with them query.hpp,
// stream.hpp and copy.hpp, are in the generated .cpp.

#include <pqxx/dbtransaction>

#include <array>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hyperschema/detail/pqxx_bridge.hpp"
#include "hyperschema/extension_types.hpp"
#include "hyperschema/function_ref.hpp"
#include "hyperschema/table.hpp"
#include "hyperschema/types.hpp"
#include "hyperschema/version.hpp"
