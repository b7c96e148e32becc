#include "sqltext/expression.hpp"

#include <pg_query.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>

#include "sqltext/literals.hpp"

namespace hyperschema::sqltext {
namespace {

using json = nlohmann::json;

// How the expression is made a statement for the grammar: parenthesised and
// on a line of its own (as sql_parser.cpp's parse_expression does).
constexpr std::string_view kPrefix = "SELECT (\n";

// The grammar's names for built-in types, as the DSL spells them.
const std::map<std::string, std::string, std::less<>> kTypeSpellings = {
    {"int2", "smallint"},           {"int4", "integer"},  {"int8", "bigint"},   {"float4", "real"},
    {"float8", "double precision"}, {"bool", "boolean"},  {"bpchar", "char"},   {"varchar", "varchar"},
    {"timestamptz", "timestamptz"}, {"timetz", "timetz"}, {"varbit", "varbit"},
};

// The strings of a name list such as FuncCall.funcname.
std::vector<std::string> names_of(const json& list) {
    std::vector<std::string> out;
    if (!list.is_array()) return out;
    for (const auto& item : list)
        if (item.contains("String")) out.push_back(item["String"].value("sval", ""));
    return out;
}

// A List node ({"List": {"items": [...]}}) or a plain array, as its items.
const json& items_of(const json& node) {
    static const json kEmpty = json::array();
    if (node.is_array()) return node;
    if (node.is_object() && node.contains("List")) {
        const json& list = node["List"];
        return list.contains("items") ? list["items"] : kEmpty;
    }
    return kEmpty;
}

// A node's member, or null when it has none (libpg_query leaves out empty
// lists and default values); a reference that outlives no temporary.
const json& member(const json& node, const char* key) {
    static const json kNull;
    if (!node.is_object()) return kNull;
    const auto it = node.find(key);
    return it == node.end() ? kNull : *it;
}

class Converter {
public:
    Expr node(const json& n) const {
        if (!n.is_object() || n.empty()) return Expr{};
        const std::string type = n.begin().key();
        const json& v = n.begin().value();
        Expr e;
        e.offset = offset_of(v);
        if (type == "ColumnRef") return column(v, e);
        if (type == "A_Const") return constant(v, e);
        if (type == "TypeCast") return cast(v, e);
        if (type == "FuncCall") return call(v, e);
        if (type == "A_Expr") return operation(v, e);
        if (type == "BoolExpr") {
            const std::string op = v.value("boolop", "");
            e.kind = op == "AND_EXPR" ? Expr::Kind::And : op == "OR_EXPR" ? Expr::Kind::Or : Expr::Kind::Not;
            return with_args(e, member(v, "args"));
        }
        if (type == "NullTest") {
            e.kind = Expr::Kind::IsNull;
            e.negated = v.value("nulltesttype", "") == "IS_NOT_NULL";
            return with_args(e, json::array({member(v, "arg")}));
        }
        if (type == "BooleanTest") {
            e.kind = Expr::Kind::IsBoolean;
            e.name = lowercase(v.value("booltesttype", ""));
            return with_args(e, json::array({member(v, "arg")}));
        }
        if (type == "CaseExpr") return case_expression(v, e);
        if (type == "CoalesceExpr") {
            e.kind = Expr::Kind::Coalesce;
            return with_args(e, member(v, "args"));
        }
        if (type == "MinMaxExpr") {
            e.kind = v.value("op", "") == "IS_GREATEST" ? Expr::Kind::Greatest : Expr::Kind::Least;
            return with_args(e, member(v, "args"));
        }
        if (type == "A_ArrayExpr") {
            e.kind = Expr::Kind::Array;
            return with_args(e, member(v, "elements"));
        }
        if (type == "RowExpr") {
            e.kind = Expr::Kind::Row;
            return with_args(e, member(v, "args"));
        }
        if (type == "SubLink") {
            e.kind = Expr::Kind::Subquery;
            if (v.contains("testexpr")) e.args.push_back(node(v["testexpr"]));
            return e;
        }
        if (type == "SQLValueFunction") {
            e.kind = Expr::Kind::ValueFunction;
            std::string op = lowercase(v.value("op", ""));  // svfop_current_timestamp_n
            if (op.rfind("svfop_", 0) == 0) op = op.substr(6);
            if (op.size() > 2 && op.compare(op.size() - 2, 2, "_n") == 0) op.resize(op.size() - 2);
            e.name = op;
            return e;
        }
        if (type == "CollateClause") {
            e.kind = Expr::Kind::Collate;
            return with_args(e, json::array({member(v, "arg")}));
        }
        if (type == "A_Indirection") {
            e.kind = Expr::Kind::Subscript;
            return with_args(e, json::array({member(v, "arg")}));
        }
        if (type == "NamedArgExpr") return node(member(v, "arg"));
        e.kind = Expr::Kind::Other;
        e.name = type;
        return e;
    }

    explicit Converter(std::string_view text) : text_(text), text_size_(text.size()) {}

private:
    size_t offset_of(const json& v) const {
        const long at = v.is_object() ? v.value("location", -1L) : -1L;
        if (at < static_cast<long>(kPrefix.size())) return 0;
        return std::min(static_cast<size_t>(at) - kPrefix.size(), text_size_);
    }

    Expr with_args(Expr e, const json& list) const {
        for (const auto& item : items_of(list)) e.args.push_back(node(item));
        return e;
    }

    Expr column(const json& v, Expr e) const {
        e.kind = Expr::Kind::Column;
        const json& fields = member(v, "fields");
        const auto names = names_of(fields);
        if (names.empty() || (fields.is_array() && fields.back().contains("A_Star"))) {  // `*` or `t.*`
            e.kind = Expr::Kind::Other;
            e.name = "A_Star";
            if (!names.empty()) e.qualifier = names.back();
            return e;
        }
        e.name = names.back();
        if (names.size() >= 2) e.qualifier = names[names.size() - 2];
        return e;
    }

    // The integer written at `offset` of the expression: `-5`, `0`.
    std::string integer_at(size_t offset) const {
        size_t end = offset;
        if (end < text_.size() && text_[end] == '-') ++end;
        while (end < text_.size() && std::isdigit(static_cast<unsigned char>(text_[end]))) ++end;
        const std::string written(text_.substr(offset, end - offset));
        return written.empty() || written == "-" ? "0" : written;
    }

    Expr constant(const json& v, Expr e) const {
        e.kind = Expr::Kind::Constant;
        // Zero and false are left out of the tree: `"ival": {}`.
        if (v.value("isnull", false)) {
            e.constant = Expr::Constant::Null;
        } else if (v.contains("ival")) {
            e.constant = Expr::Constant::Integer;
            // libpg_query 15 leaves a negative one out of its tree as it does
            // zero (17 writes it): the source at the constant says which.
            e.text = v["ival"].contains("ival") ? std::to_string(v["ival"].value("ival", 0L)) : integer_at(e.offset);
        } else if (v.contains("fval")) {
            e.constant = Expr::Constant::Decimal;
            e.text = v["fval"].value("fval", "0");
        } else if (v.contains("sval")) {
            e.constant = Expr::Constant::String;
            e.text = v["sval"].value("sval", "");
        } else if (v.contains("boolval")) {
            e.constant = Expr::Constant::Boolean;
            e.text = v["boolval"].value("boolval", false) ? "true" : "false";
        } else if (v.contains("bsval")) {
            e.constant = Expr::Constant::Bits;
            e.text = v["bsval"].value("bsval", "");
        }
        return e;
    }

    // The cast's type as the DSL spells it: `numeric(10,2)`, `text[]`.
    static std::string type_text(const json& type_name) {
        auto names = names_of(member(type_name, "names"));
        if (names.size() == 2 && names[0] == "pg_catalog") names.erase(names.begin());
        std::string text;
        for (const auto& n : names) text += (text.empty() ? "" : ".") + n;
        if (auto it = kTypeSpellings.find(text); it != kTypeSpellings.end()) text = it->second;
        const json& mods = member(type_name, "typmods");
        if (!mods.empty() && text != "interval") {  // interval's are its fields (`interval '1' day`)
            std::string list;
            for (const auto& m : mods)
                if (m.contains("A_Const") && m["A_Const"].contains("ival"))
                    list += (list.empty() ? "" : ",") + std::to_string(m["A_Const"]["ival"].value("ival", 0L));
            text += "(" + list + ")";
        }
        for (size_t i = 0; i < member(type_name, "arrayBounds").size(); ++i) text += "[]";
        return text;
    }

    Expr cast(const json& v, Expr e) const {
        e.kind = Expr::Kind::Cast;
        e.text = type_text(member(v, "typeName"));
        return with_args(e, json::array({member(v, "arg")}));
    }

    Expr call(const json& v, Expr e) const {
        e.kind = Expr::Kind::Call;
        const auto names = names_of(member(v, "funcname"));
        if (!names.empty()) e.name = names.back();
        if (names.size() >= 2) e.qualifier = names[names.size() - 2];
        e.star = v.value("agg_star", false);
        e.distinct = v.value("agg_distinct", false);
        e.within_group = v.value("agg_within_group", false);
        e.window = v.contains("over");
        if (v.contains("agg_filter")) e.conditions.push_back(node(v["agg_filter"]));
        for (const auto& sort : items_of(member(v, "agg_order")))
            if (sort.contains("SortBy")) e.order.push_back(node(member(sort["SortBy"], "node")));
        return with_args(e, member(v, "args"));
    }

    Expr operation(const json& v, Expr e) const {
        const std::string kind = v.value("kind", "");
        const auto names = names_of(member(v, "name"));
        e.name = names.empty() ? "" : names.back();
        e.kind = kind == "AEXPR_IN"                                                               ? Expr::Kind::In
                 : kind.rfind("AEXPR_BETWEEN", 0) == 0 || kind.rfind("AEXPR_NOT_BETWEEN", 0) == 0 ? Expr::Kind::Between
                 : kind == "AEXPR_DISTINCT" || kind == "AEXPR_NOT_DISTINCT"                       ? Expr::Kind::Distinct
                 : kind == "AEXPR_OP_ANY" || kind == "AEXPR_OP_ALL"                               ? Expr::Kind::AnyAll
                 : kind == "AEXPR_NULLIF"                                                         ? Expr::Kind::NullIf
                                          : Expr::Kind::Operator;
        // IN's `name` is "=" or "<>"; BETWEEN's the keyword.
        e.negated = (kind == "AEXPR_IN" && e.name == "<>") || kind == "AEXPR_NOT_DISTINCT" ||
                    kind.rfind("AEXPR_NOT_BETWEEN", 0) == 0;
        if (v.contains("lexpr")) e.args.push_back(node(v["lexpr"]));
        if (v.contains("rexpr")) {
            const json& right = v["rexpr"];
            if (right.is_object() && right.contains("List"))
                for (const auto& item : items_of(right)) e.args.push_back(node(item));
            else
                e.args.push_back(node(right));
        }
        return e;
    }

    Expr case_expression(const json& v, Expr e) const {
        e.kind = Expr::Kind::Case;
        if (v.contains("arg")) {
            e.has_operand = true;
            e.conditions.push_back(node(v["arg"]));
        }
        for (const auto& when : items_of(member(v, "args"))) {
            if (!when.contains("CaseWhen")) continue;
            e.conditions.push_back(node(member(when["CaseWhen"], "expr")));
            e.args.push_back(node(member(when["CaseWhen"], "result")));
        }
        if (v.contains("defresult")) e.args.push_back(node(v["defresult"]));
        e.has_else = v.contains("defresult");
        return e;
    }

    std::string_view text_;
    size_t text_size_;
};

}  // namespace

namespace {

// The one target of `SELECT (expression)`, or null. Only a target list: text
// that closes the parenthesis and goes on (`1) FROM t WHERE (1`) is not one
// expression.
const json* only_target(const json& tree) {
    if (!tree.is_object() || !tree.contains("stmts") || tree["stmts"].size() != 1) return nullptr;
    const json& first = tree["stmts"][0];
    if (!first.contains("stmt") || !first["stmt"].contains("SelectStmt")) return nullptr;
    const json& statement = first["stmt"];
    const json& select = statement["SelectStmt"];
    for (const auto& item : select.items())
        if (item.key() != "targetList" && item.key() != "limitOption" && item.key() != "op") return nullptr;
    if (!select.contains("targetList") || select["targetList"].size() != 1) return nullptr;
    const json& target = select["targetList"][0];
    if (!target.contains("ResTarget") || !target["ResTarget"].contains("val")) return nullptr;
    return &target["ResTarget"]["val"];
}

}  // namespace

std::optional<Expr> expression_tree(std::string_view expression) {
    const std::string statement = std::string(kPrefix) + std::string(expression) + "\n)";
    PgQueryParseResult result = pg_query_parse(statement.c_str());
    std::optional<Expr> out;
    if (!result.error && result.parse_tree) {
        const json tree = json::parse(result.parse_tree, nullptr, false);
        if (const json* value = only_target(tree)) out = Converter(expression).node(*value);
    }
    pg_query_free_parse_result(result);
    return out;
}

}  // namespace hyperschema::sqltext
