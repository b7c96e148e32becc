#include "emit/data_statements.hpp"

#include <algorithm>

#include "emit/identifiers.hpp"
#include "emit/sql_statements.hpp"

namespace hyperschema::emit {
namespace {

std::string value_sql(const std::optional<std::string>& value) {
    return value ? quote_literal(*value) : "NULL";
}

bool in_key(const std::vector<std::string>& key, const std::string& column) {
    return std::find(key.begin(), key.end(), column) != key.end();
}

// "code" = 'PJM' AND ..., the row's key as a condition on the table's columns.
std::string key_condition(const Table& table, const TableData::Row& row, const std::string& prefix = "") {
    std::string out;
    for (const auto& k : table.data_key()) {
        const auto* v = row.find(k);
        out += (out.empty() ? "" : " AND ") + prefix + quote_ident(k) + " = " + value_sql(v ? *v : std::nullopt);
    }
    return out;
}

}  // namespace

std::string upsert_row(const Schema& schema, const Table& table, const TableData::Row& row) {
    const std::vector<std::string> key = table.data_key();
    std::string columns, values, updates, conflict;
    for (const auto& [column, value] : row.values) {
        columns += (columns.empty() ? "" : ", ") + quote_ident(column);
        values += (values.empty() ? "" : ", ") + value_sql(value);
        if (!in_key(key, column))
            updates += (updates.empty() ? "" : ", ") + quote_ident(column) + " = EXCLUDED." + quote_ident(column);
    }
    for (const auto& k : key) conflict += (conflict.empty() ? "" : ", ") + quote_ident(k);
    return "INSERT INTO " + qualified(schema.namespace_, table.name) + " (" + columns + ") VALUES (" + values +
           ")\n    ON CONFLICT (" + conflict + ") DO " + (updates.empty() ? "NOTHING" : "UPDATE SET " + updates) +
           ";\n";
}

std::string delete_row(const Schema& schema, const Table& table, const TableData::Row& row) {
    return "DELETE FROM " + qualified(schema.namespace_, table.name) + " WHERE " + key_condition(table, row) + ";\n";
}

std::string row_label(const Table& table, const TableData::Row& row) {
    return key_condition(table, row);
}

std::string advance_sequences(const Schema& schema, const Table& table) {
    std::string out;
    for (const auto& c : table.columns) {
        if (c.value_source() != ValueSource::Serial && c.value_source() != ValueSource::Identity) continue;
        bool given = false;
        for (const auto& row : table.data->rows) given = given || row.find(c.name);
        if (!given) continue;
        const std::string t = qualified(schema.namespace_, table.name);
        out += "-- The rows gave " + c.name +
               " values: its sequence goes past them.\nSELECT setval(pg_get_serial_sequence(" + quote_literal(t) +
               ", " + quote_literal(c.name) + "), (SELECT max(" + quote_ident(c.name) + ") FROM " + t + "));\n";
    }
    return out;
}

std::string data_check_query(const Schema& schema, const Table& table) {
    if (!table.data || table.data->rows.empty()) return "";
    std::string out;
    for (const auto& row : table.data->rows) {
        std::string condition = key_condition(table, row, "t.");
        for (const auto& [column, value] : row.values) {
            if (in_key(table.data_key(), column)) continue;
            const Column* c = table.find_column(column);
            if (!value || !c) {
                condition += " AND t." + quote_ident(column) + " IS NULL";
                continue;
            }
            // The value as the column stores it (its precision, its scale); json has no `=`: as jsonb.
            const bool json = c->type.base == BaseType::Json;
            const std::string type = json ? std::string("jsonb") : column_type_sql(schema, c->type);
            condition += " AND t." + quote_ident(column) + (json ? "::jsonb" : "") + " IS NOT DISTINCT FROM CAST(" +
                         quote_literal(*value) + " AS " + type + ")";
        }
        out += std::string(out.empty() ? "" : "\nUNION ALL\n") + "SELECT " + quote_literal(row_label(table, row)) +
               " WHERE NOT EXISTS (SELECT 1 FROM " + qualified(schema.namespace_, table.name) + " t WHERE " +
               condition + ")";
    }
    return out;
}

}  // namespace hyperschema::emit
