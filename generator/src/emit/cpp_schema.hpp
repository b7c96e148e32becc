#pragma once

// The generated header of typed row structs, table metadata and query
// helpers: OUT/<schema>/include/<schema>/schema.hpp. For each table a
// namespace named after it holds `row`, its metadata and its helpers:
//
//   heatpump::readings::insert_many(tx, rows);         // binary COPY
//   for (auto& r : heatpump::energy_hourly::range(tx, from, to, {.device_id = "hp-1"})) ...

#include <string>

#include "model/schema.hpp"

namespace hyperschema::emit {

// Aggregate columns whose type cannot be inferred are left out of the row,
// with a comment saying how to declare it (`type:` on the column).
std::string schema_header(const Schema& schema);

}  // namespace hyperschema::emit
