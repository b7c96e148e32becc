// Reference data (`data:` on a table): a list of rows, each a mapping of
// column to value, or `{key: [columns], rows: [...]}` to identify rows by a
// unique key other than the primary key. Values are data: a scalar as text,
// a list as an array literal, a mapping as JSON text.

#include "parse/parser.hpp"

namespace hyperschema::parse {
namespace {

bool is_null_scalar(const YAML::Node& node) {
    if (node.IsNull()) return true;
    if (!node.IsScalar() || node.Tag() == "!") return false;
    const std::string& t = node.Scalar();
    return t == "~" || t == "null" || t == "Null" || t == "NULL";
}

// An element of a PostgreSQL array literal: quoted, `"` and `\` escaped.
std::string array_element(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::optional<std::string> array_literal(ParseContext& ctx, const YAML::Node& node, const std::string& what) {
    std::string out = "{";
    bool first = true;
    for (const auto& item : node) {
        out += first ? "" : ",";
        first = false;
        if (is_null_scalar(item)) {
            out += "NULL";
        } else if (item.IsScalar()) {
            out += array_element(item.Scalar());
        } else if (item.IsSequence()) {
            auto inner = array_literal(ctx, item, what);
            if (!inner) return std::nullopt;
            out += *inner;
        } else {
            ctx.diags.error(location_of(ctx, item), "an element of an array value in " + what +
                                                        " is a mapping; array elements are scalars or lists");
            return std::nullopt;
        }
    }
    return out + "}";
}

void parse_row(ParseContext& ctx, const YAML::Node& node, const std::string& what, TableData& data) {
    if (!node.IsMap()) {
        ctx.diags.error(location_of(ctx, node),
                        "a row of " + what + " is " + node_kind(node) + "; a row is a mapping of column to value");
        return;
    }
    TableData::Row row;
    row.loc = location_of(ctx, node);
    for (const auto& [key, value] : merged_pairs(node)) {
        if (!key.IsScalar()) {
            ctx.diags.error(location_of(ctx, key), "a key of a row of " + what + " is not a column name");
            continue;
        }
        std::optional<std::string> text;
        if (is_null_scalar(value)) {
            text = std::nullopt;
        } else if (value.IsScalar()) {
            text = value.Scalar();
        } else if (value.IsSequence()) {
            auto literal = array_literal(ctx, value, what);
            if (!literal) continue;
            text = *literal;
        } else {
            auto json = yaml_json_text(ctx, value, what);
            if (!json) continue;
            text = *json;
        }
        bool repeated = false;
        for (const auto& [column, unused] : row.values) repeated = repeated || column == key.Scalar();
        if (repeated) {
            ctx.diags.error(location_of(ctx, key), "a row of " + what + " gives `" + key.Scalar() + "` twice");
            continue;
        }
        row.values.emplace_back(key.Scalar(), std::move(text));
    }
    data.rows.push_back(std::move(row));
}

}  // namespace

void Parser::parse_table_data(ParseContext& ctx, Table& table, const YAML::Node& node) {
    const std::string what = "`data` of table `" + table.name + "`";
    TableData data;
    data.loc = location_of(ctx, node);
    YAML::Node rows = node;
    if (node.IsMap()) {
        MapReader spec(ctx, node, what);
        data.key = spec.take_names("key");
        auto listed = spec.take("rows");
        spec.require("rows", "the rows, a list of mappings of column to value");
        spec.finish();
        if (!listed) return;
        rows = *listed;
    }
    if (!rows.IsSequence()) {
        ctx.diags.error(location_of(ctx, rows), what + " is " + node_kind(rows) +
                                                    "; it is a list of rows (`- {code: PJM, name: PJM "
                                                    "Interconnection}`), or `{key: [code], rows: [...]}`");
        return;
    }
    for (const auto& row : rows) parse_row(ctx, row, what, data);
    table.data = std::move(data);
}

}  // namespace hyperschema::parse
