#pragma once

#include <string>
#include <vector>

#include "diag/source_location.hpp"

namespace hyperschema {

// The name we give a constraint the user did not name, following
// PostgreSQL's convention (<table>_<columns>_<suffix>). PostgreSQL truncates a
// long derived name silently and may then collide; we shorten it ourselves
// and add a hash of the full name, so names stay unique and stable.
std::string derived_name(const std::string& table, const std::vector<NameRef>& columns, const std::string& suffix);

// FNV-1a, for short stable hashes in names and checksums of small texts.
unsigned long long fnv1a64(const std::string& text);

}  // namespace hyperschema
