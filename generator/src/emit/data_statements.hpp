#pragma once

// Reference data as SQL: a row upserted by its key, a row deleted by its key,
// and the query verify runs to find rows that are missing or differ.

#include <string>

#include "model/schema.hpp"

namespace hyperschema::emit {

// INSERT INTO t (c, ...) VALUES (...) ON CONFLICT (key) DO UPDATE SET the row's other columns.
std::string upsert_row(const Schema& schema, const Table& table, const TableData::Row& row);
// DELETE FROM t WHERE key = ...
std::string delete_row(const Schema& schema, const Table& table, const TableData::Row& row);
// setval() of each serial or identity column the rows give values for, so
// that the application's next insert does not collide with them.
std::string advance_sequences(const Schema& schema, const Table& table);
// "code = 'PJM'": how messages and verify name a row.
std::string row_label(const Table& table, const TableData::Row& row);
// A query giving the label of every row of the table's data that the table
// lacks or holds with other values ("" when the table has no data).
std::string data_check_query(const Schema& schema, const Table& table);

}  // namespace hyperschema::emit
