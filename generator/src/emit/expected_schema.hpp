#pragma once

// The schema as the live database's catalog will show it, for verify(): the
// runtime's ExpectedSchema built from the validated model. The CLI hands it
// to verify() directly; the C++ emitter writes it into the generated header.

#include "hyperschema/expected_schema.hpp"
#include "model/schema.hpp"

namespace hyperschema::emit {

// `version` is the newest migration of the schema's history (0 if unknown).
ExpectedSchema expected_schema_of(const Schema& schema, int version);

// format_type()'s spelling of a column type, with the schema's own enums
// unqualified (verify reads the catalog with the schema first in search_path).
std::string catalog_type_name(const ColumnType& type);

}  // namespace hyperschema::emit
