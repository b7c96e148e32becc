#include <cctype>
#include <sstream>

#include "parse/parser.hpp"
#include "sqltext/literals.hpp"

namespace hyperschema::parse {
namespace {

bool is_identifier(const std::string& word) {
    if (word.empty() || std::isdigit(static_cast<unsigned char>(word[0]))) return false;
    for (char c : word) {
        if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)) && c != '_')
            return false;
    }
    return true;
}

// "time desc nulls last" -> column time, DESC, NULLS LAST.
bool parse_key_words(const std::string& text, KeyPart& part, std::string* why) {
    std::istringstream words(text);
    std::string column, word;
    words >> column;
    if (!is_identifier(column)) {
        *why = "`" + text + "` is not a column name; for an expression write `expression: " + text + "`";
        return false;
    }
    part.column = column;
    while (words >> word) {
        word = sqltext::lowercase(word);
        if (word == "asc") {
            part.order = SortOrder::Asc;
        } else if (word == "desc") {
            part.order = SortOrder::Desc;
        } else if (word == "nulls") {
            std::string which;
            words >> which;
            which = sqltext::lowercase(which);
            if (which != "first" && which != "last") {
                *why = "`nulls` must be followed by `first` or `last` in `" + text + "`";
                return false;
            }
            part.nulls = which == "first" ? NullsOrder::First : NullsOrder::Last;
        } else {
            *why = "unexpected `" + word + "` in key `" + text +
                   "`; expected `asc`, `desc`, `nulls first` or `nulls last`";
            return false;
        }
    }
    return true;
}

}  // namespace

std::optional<KeyPart> Parser::parse_key_part(ParseContext& ctx, const YAML::Node& node, const std::string& what) {
    KeyPart part;
    part.loc = location_of(ctx, node);
    if (node.IsScalar()) {
        std::string why;
        if (!parse_key_words(node.Scalar(), part, &why)) {
            ctx.diags.error(part.loc, "in " + what + ": " + why);
            return std::nullopt;
        }
        return part;
    }
    MapReader spec(ctx, node, "a key of " + what);
    if (!spec.valid()) return std::nullopt;
    auto column = spec.take_string("column");
    auto expression = spec.take("expression");
    if (column) {
        if (!check_identifier(ctx, *column, spec.value_loc("column"), "column")) return std::nullopt;
        part.column = *column;
        part.loc = spec.value_loc("column");
    }
    if (expression) {
        part.expression = read_sql(ctx, *expression, "`expression` of " + what).value_or("");
        part.loc = location_of(ctx, *expression);
    }
    if (column.has_value() == expression.has_value()) {
        ctx.diags.error(spec.loc(), "a key of " + what + " needs exactly one of `column` or `expression`");
    }
    if (auto order = spec.take_string("order")) {
        std::string o = sqltext::lowercase(*order);
        if (o == "asc" || o == "desc") {
            part.order = o == "asc" ? SortOrder::Asc : SortOrder::Desc;
        } else {
            ctx.diags.error(spec.value_loc("order"), "`order` must be `asc` or `desc`, not `" + *order + "`");
        }
    }
    if (auto nulls = spec.take_string("nulls")) {
        std::string n = sqltext::lowercase(*nulls);
        if (n == "first" || n == "last") {
            part.nulls = n == "first" ? NullsOrder::First : NullsOrder::Last;
        } else {
            ctx.diags.error(spec.value_loc("nulls"), "`nulls` must be `first` or `last`, not `" + *nulls + "`");
        }
    }
    spec.finish();
    return part;
}

namespace {

// `using:` an index method by its SQL name.
std::optional<IndexMethod> take_method(ParseContext& ctx, MapReader& spec) {
    auto method = spec.take_string("using");
    if (!method) return std::nullopt;
    static const std::vector<std::pair<std::string, IndexMethod>> kMethods{{"btree", IndexMethod::Btree},
                                                                           {"hash", IndexMethod::Hash},
                                                                           {"gin", IndexMethod::Gin},
                                                                           {"gist", IndexMethod::Gist},
                                                                           {"brin", IndexMethod::Brin}};
    for (const auto& [word, m] : kMethods)
        if (sqltext::lowercase(*method) == word) return m;
    std::vector<std::string> words;
    for (const auto& m : kMethods) words.push_back(m.first);
    ctx.diags.error(spec.value_loc("using"), "unknown index method `" + *method + "`" +
                                                 did_you_mean(sqltext::lowercase(*method), words) + "; expected " +
                                                 one_of(words));
    return std::nullopt;
}

// {column: room_id, with: "="} or {expression: "tstzrange(starts, ends)", with: "&&"}
std::optional<ExclusionElement> parse_exclusion_element(ParseContext& ctx, const YAML::Node& node,
                                                        const std::string& what) {
    MapReader spec(ctx, node, "an element of " + what);
    if (!spec.valid()) return std::nullopt;
    ExclusionElement e;
    e.key.loc = spec.loc();
    auto column = spec.take_string("column");
    auto expression = spec.take("expression");
    if (column && check_identifier(ctx, *column, spec.value_loc("column"), "column")) {
        e.key.column = *column;
        e.key.loc = spec.value_loc("column");
    }
    if (expression) {
        e.key.expression = read_sql(ctx, *expression, "`expression` of " + what).value_or("");
        e.key.loc = location_of(ctx, *expression);
    }
    if (column.has_value() == expression.has_value())
        ctx.diags.error(spec.loc(), "an element of " + what + " needs exactly one of `column` or `expression`");
    if (auto op = spec.take_string("with")) {
        if (op->empty() || op->find_first_not_of("+-*/<>=~!@#%^&|`?") != std::string::npos)
            ctx.diags.error(spec.value_loc("with"), "`with` of an element of " + what + " is `" + *op +
                                                        "`, not an operator; write one such as `=` or `&&`");
        else
            e.operator_ = *op;
    }
    spec.require("with", "the operator two rows must not both satisfy, e.g. `with: \"&&\"` for overlapping ranges");
    spec.finish();
    return e;
}

}  // namespace

void Parser::parse_exclusions(ParseContext& ctx, Table& table, const YAML::Node& node) {
    MapReader exclusions(ctx, node, "`exclusions` of table `" + table.name + "`");
    for (auto& entry : exclusions.entries()) {
        ExclusionConstraint x;
        x.name = entry.key;
        x.loc = entry.key_loc;
        check_identifier(ctx, x.name, x.loc, "constraint");
        const std::string what = "exclusion constraint `" + x.name + "`";
        MapReader spec(ctx, entry.value, what);
        if (!spec.valid()) continue;
        if (auto method = take_method(ctx, spec)) x.method = *method;
        if (auto elements = spec.take("elements")) {
            if (!elements->IsSequence() || elements->size() == 0)
                ctx.diags.error(
                    spec.value_loc("elements"),
                    "`elements` of " + what + " must be a non-empty list, e.g. `[{column: room_id, with: \"=\"}]`");
            else
                for (const auto& item : *elements)
                    if (auto e = parse_exclusion_element(ctx, item, what)) x.elements.push_back(std::move(*e));
        }
        spec.require("elements", "the compared columns or expressions with their operators");
        x.include = spec.take_names("include");
        if (auto where = spec.take("where")) {
            x.where = read_sql(ctx, *where, "`where` of " + what).value_or("");
            x.where_loc = location_of(ctx, *where);
        }
        if (auto c = spec.take_string("comment")) x.comment = *c;
        spec.finish();
        table.exclusions.push_back(std::move(x));
    }
}

void Parser::parse_indexes(ParseContext& ctx, Table& table, const YAML::Node& node) {
    MapReader indexes(ctx, node, "`indexes` of table `" + table.name + "`");
    for (auto& entry : indexes.entries()) {
        table.indexes.push_back(parse_index(ctx, table, entry.key, entry.key_loc, entry.value));
    }
}

Index Parser::parse_index(ParseContext& ctx, const Table& table, const std::string& name, const SourceLocation& loc,
                          const YAML::Node& node) {
    Index index;
    index.name = name;
    index.table = table.name;
    index.loc = loc;
    check_identifier(ctx, name, loc, "index");
    const std::string what = "index `" + name + "`";
    auto read_keys = [&](const YAML::Node& keys) {
        if (!keys.IsSequence() || keys.size() == 0) {
            ctx.diags.error(location_of(ctx, keys),
                            "`columns` of " + what + " must be a non-empty list, e.g. `[device_id, time desc]`");
            return;
        }
        for (const auto& k : keys) {
            if (auto part = parse_key_part(ctx, k, what)) index.keys.push_back(std::move(*part));
        }
    };
    if (node.IsSequence()) {  // short form: the list of keys
        read_keys(node);
        return index;
    }
    MapReader spec(ctx, node, what);
    if (!spec.valid()) return index;
    if (auto keys = spec.take("columns")) read_keys(*keys);
    spec.require("columns", "the indexed columns or expressions, e.g. `columns: [device_id, time desc]`");
    if (auto method = take_method(ctx, spec)) index.method = *method;
    index.unique = spec.take_bool("unique").value_or(false);
    index.concurrently = spec.take_bool("concurrently").value_or(false);
    index.include = spec.take_names("include");
    if (auto where = spec.take("where")) {
        index.where = read_sql(ctx, *where, "`where` of " + what).value_or("");
        index.where_loc = location_of(ctx, *where);
    }
    if (auto c = spec.take_string("comment")) index.comment = *c;
    spec.finish();
    return index;
}

}  // namespace hyperschema::parse
