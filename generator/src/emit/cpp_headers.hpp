#pragma once

// The generated headers: declarations only, so that a file including one
// table's header pays for that table alone. Their definitions (SQL text,
// helper bodies, migrations, the expected schema) are in the generated
// source (cpp_source.hpp).
//
//   <schema>/tables/<name>.hpp, views/<name>.hpp, aggregates/<name>.hpp
//       `row`, its metadata and its helpers' declarations:
//       heatpump::readings::insert_many(tx, rows);        // binary COPY
//   <schema>/enums.hpp       the schema's enums, as enum classes
//   <schema>/schema.hpp      every relation's header
//   <schema>/migrations.hpp  migrations() and expected_schema()

#include <string>
#include <vector>

#include "emit/cpp_relation.hpp"
#include "model/schema.hpp"

namespace hyperschema::emit {

std::string relation_header(const Schema& schema, const Relation& relation);
std::string enums_header(const Schema& schema);
std::string schema_header(const Schema& schema, const std::vector<Relation>& relations);
std::string migrations_header(const Schema& schema);

}  // namespace hyperschema::emit
