// Indexes: what each access method accepts, predicates, and hypertable limits.

#include <algorithm>
#include <set>

#include "catalog/column_types.hpp"
#include "sqltext/lexer.hpp"
#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

void check_method_limits(const Index& index, const std::string& what, Diagnostics& diags) {
    const std::string method = index_method_name(index.method);
    if (index.unique && index.method != IndexMethod::Btree) {
        diags.error(index.loc, what + " is unique, but access method `" + method +
                                   "` does not support unique indexes; only btree does");
    }
    if (index.method == IndexMethod::Hash && index.keys.size() > 1) {
        diags.error(index.loc, what + " has " + std::to_string(index.keys.size()) +
                                   " keys, but access method `hash` does not support multicolumn indexes");
    }
    if (!index.include.empty() && index.method != IndexMethod::Btree && index.method != IndexMethod::Gist) {
        diags.error(index.include.front().loc, what + " uses `include`, which access method `" + method +
                                                   "` does not support; only btree and gist do");
    }
    // INDEX_MAX_KEYS counts key and included columns.
    if (index.keys.size() + index.include.size() > 32) {
        diags.error(index.loc, what + " has " + std::to_string(index.keys.size() + index.include.size()) +
                                   " columns (keys and `include`), but PostgreSQL refuses more than 32 (\"cannot "
                                   "use more than 32 columns in an index\")");
    }
    if (index.method != IndexMethod::Btree) {
        for (const auto& key : index.keys) {
            if (key.order != SortOrder::Default || key.nulls != NullsOrder::Default) {
                diags.error(key.loc, what + ": access method `" + method +
                                         "` does not support ASC/DESC or NULLS FIRST/LAST; only btree does");
            }
        }
    }
}

// An operator class must exist for the column's type under this method.
void check_key_type(const Schema& schema, const Index& index, const KeyPart& key, const Column& column,
                    const std::string& what, Diagnostics& diags) {
    const ColumnType& t = column.type;
    const std::string method = index_method_name(index.method);
    const std::string head = what + ": data type `" + t.sql() + "` of column `" + column.name +
                             "` has no default operator class for access method `" + method + "`";
    switch (catalog::index_support(index.method, t)) {
        case catalog::Opclass::Yes:
            return;
        case catalog::Opclass::WithBtreeGist:
            if (!schema.has_extension("btree_gist"))
                diags.error(key.loc, head + "; add the `btree_gist` extension or use btree");
            return;
        case catalog::Opclass::WithBtreeGin:
            if (!schema.has_extension("btree_gin"))
                diags.error(key.loc, head +
                                         "; GIN indexes jsonb and array columns, use btree here (or add the "
                                         "`btree_gin` extension)");
            return;
        case catalog::Opclass::JsonElements: {
            const char* quote = index.method == IndexMethod::Hash
                                    ? "could not identify a hash function for type json"
                                    : "could not identify a comparison function for type json";
            const char* when = index.method == IndexMethod::Gin ? "creating the index fails" : "inserting rows fails";
            diags.error(key.loc, what + ": column `" + column.name + "` is `" + t.sql() +
                                     "`, and PostgreSQL cannot compare json values, so " + when + " (\"" + quote +
                                     "\"); use `jsonb` elements");
            return;
        }
        case catalog::Opclass::SincePg16:
            // Which server the schema meets is not known here; --dev-db asks it.
            diags.warning(key.loc, head +
                                       " before PostgreSQL 16 (it has one from 16 on); on 15 creating the index "
                                       "fails");
            return;
        case catalog::Opclass::No:
            break;
    }
    std::string fix;
    if (t.base == BaseType::Json && !t.is_array()) {
        fix = index.method == IndexMethod::Gin ? "; change the column to `jsonb` (json has no GIN support)"
                                               : "; use `jsonb`";
    } else if (index.method == IndexMethod::Gist) {
        fix = "; GiST has no operator class for arrays or jsonb, use gin";
    } else if (index.method == IndexMethod::Brin) {
        fix = "; BRIN summarizes ordered scalar types (numbers, text, timestamps, uuid, ...), use " +
              std::string(t.is_array() || t.base == BaseType::Jsonb ? "gin" : "btree");
    }
    diags.error(key.loc, head + fix);
}

// --- Functions that are only STABLE for some argument types ----------------
//
// PostgreSQL refuses non-IMMUTABLE functions in index expressions and
// predicates. now() and friends are found by name (check_fragment); these
// depend on the argument's type, which the table's columns tell:
// date_trunc(text, timestamptz) is STABLE (it reads the session's TimeZone),
// date_trunc(text, timestamp) is IMMUTABLE. Each rule was checked against
// pg_proc and with CREATE INDEX on PostgreSQL 15.

enum class Kind { Timestamptz, Timestamp, Date, Time, Interval, Text, Json, Other, Unknown };

Kind kind_of(const ColumnType& t) {
    if (t.is_array()) return Kind::Other;
    switch (catalog::traits_of(t.base).category) {
        case catalog::TypeCategory::Timestamp:
            return t.base == BaseType::Timestamptz ? Kind::Timestamptz : Kind::Timestamp;
        case catalog::TypeCategory::Date:
            return Kind::Date;
        case catalog::TypeCategory::TimeOfDay:
            return Kind::Time;
        case catalog::TypeCategory::Interval:
            return Kind::Interval;
        case catalog::TypeCategory::Text:
            return Kind::Text;
        case catalog::TypeCategory::Integer:
        case catalog::TypeCategory::Float:
        case catalog::TypeCategory::Numeric:
        case catalog::TypeCategory::Boolean:
        case catalog::TypeCategory::Json:
            return t.base == BaseType::Json ? Kind::Json : Kind::Other;
        case catalog::TypeCategory::Uuid:
        case catalog::TypeCategory::Binary:
        case catalog::TypeCategory::Network:
        case catalog::TypeCategory::MacAddress:
        case catalog::TypeCategory::Extension:
        case catalog::TypeCategory::Enum:
            return Kind::Other;
    }
    return Kind::Other;
}

const char* kind_name(Kind k) {
    switch (k) {
        case Kind::Timestamptz:
            return "timestamptz";
        case Kind::Timestamp:
            return "timestamp";
        case Kind::Date:
            return "date";
        case Kind::Time:
            return "time";
        case Kind::Interval:
            return "interval";
        case Kind::Text:
            return "text";
        case Kind::Json:
            return "json";
        default:
            return "other";
    }
}

using sqltext::Token;
using sqltext::TokenKind;

bool word_at(const std::vector<Token>& t, size_t i, std::string_view word) {
    return i < t.size() && t[i].kind == TokenKind::Identifier && t[i].text == word;
}

// The type name after `::` or `AS` at i: its kind, and the index after it.
Kind read_type_name(const std::vector<Token>& t, size_t& i) {
    if (i >= t.size() || t[i].kind != TokenKind::Identifier) return Kind::Unknown;
    const std::string first = t[i++].text;
    if (first == "double" && word_at(t, i, "precision")) ++i;
    if (first == "character" && word_at(t, i, "varying")) ++i;
    if (i < t.size() && t[i].kind == TokenKind::LParen) i = sqltext::matching_paren(t, i) + 1;  // (3), (100)
    bool with_zone = false, without_zone = false;
    if ((word_at(t, i, "with") || word_at(t, i, "without")) && word_at(t, i + 1, "time") && word_at(t, i + 2, "zone")) {
        (t[i].text == "with" ? with_zone : without_zone) = true;
        i += 3;
    }
    if (first == "timestamptz" || (first == "timestamp" && with_zone)) return Kind::Timestamptz;
    if (first == "timestamp") return Kind::Timestamp;
    if (first == "date") return Kind::Date;
    if (first == "time" || first == "timetz") return Kind::Time;
    if (first == "text" || first == "varchar" || first == "character" || first == "char" || first == "bpchar" ||
        first == "name")
        return Kind::Text;
    if (first == "interval") return Kind::Interval;
    if (first == "json") return Kind::Json;
    return Kind::Other;
}

// Helps the checks below by typing an expression [b, e) roughly: a column,
// a cast, `x AT TIME ZONE z`, or `column <op> ...` (the column's type).
class ExpressionTypes {
public:
    ExpressionTypes(const std::vector<Token>& tokens, const Table& table) : t_(tokens), table_(table) {}

    // The column named at i, if it is one (not a call, not qualified).
    const Column* column_at(size_t i) const {
        if (i >= t_.size() || (t_[i].kind != TokenKind::Identifier && t_[i].kind != TokenKind::QuotedIdentifier))
            return nullptr;
        if (i + 1 < t_.size() && (t_[i + 1].kind == TokenKind::LParen || t_[i + 1].kind == TokenKind::Dot))
            return nullptr;
        if (i > 0 && t_[i - 1].kind == TokenKind::Dot) return nullptr;
        return table_.find_column(t_[i].text);
    }

    Kind kind(size_t b, size_t e, const Column** column = nullptr) const {
        while (b < e && t_[b].kind == TokenKind::LParen && sqltext::matching_paren(t_, b) == e - 1) {
            ++b;
            --e;
        }
        if (b >= e) return Kind::Unknown;
        // A top-level AT TIME ZONE decides (`::` binds tighter: in
        // `ts AT TIME ZONE 'UTC'::text` the cast is the zone's), else the last `::`.
        size_t cast = e, at = e;
        for (size_t i = b; i < e; ++i) {
            if (t_[i].kind == TokenKind::LParen) {
                i = sqltext::matching_paren(t_, i);
                continue;
            }
            if (t_[i].kind == TokenKind::Cast) cast = i;
            if (word_at(t_, i, "at") && word_at(t_, i + 1, "time") && word_at(t_, i + 2, "zone")) at = i;
        }
        if (cast != e && at == e) {
            size_t j = cast + 1;
            Kind k = read_type_name(t_, j);
            if (j >= e) return k;
        }
        if (at != e) {
            Kind inner = kind(b, at, column);
            if (inner == Kind::Timestamptz) return Kind::Timestamp;
            if (inner == Kind::Timestamp || inner == Kind::Date) return Kind::Timestamptz;
            return Kind::Unknown;
        }
        if (word_at(t_, b, "cast") && b + 1 < e && t_[b + 1].kind == TokenKind::LParen) {
            size_t close = sqltext::matching_paren(t_, b + 1);
            for (size_t i = b + 2; i < close; ++i) {
                if (t_[i].kind == TokenKind::LParen) i = sqltext::matching_paren(t_, i);
                if (word_at(t_, i, "as")) {
                    size_t j = i + 1;
                    return read_type_name(t_, j);
                }
            }
        }
        // A column alone: `doc ->> 'a'` or `(te - ts)` is not of the first column's type.
        if (const Column* c = column_at(b); c && b + 1 == e) {
            if (column) *column = c;
            return kind_of(c->type);
        }
        return Kind::Unknown;
    }

    // The kind of the operand that starts at i (after a binary operator): a
    // typed literal (`interval '1 day'`), a column, or `'...'::type`.
    Kind operand_kind(size_t i, const Column** column) const {
        if (i >= t_.size()) return Kind::Unknown;
        if (t_[i].kind == TokenKind::Identifier && i + 1 < t_.size() && t_[i + 1].kind == TokenKind::String) {
            size_t j = i;
            return read_type_name(t_, j);
        }
        size_t end = i + 1;
        if (t_[i].kind == TokenKind::LParen) end = sqltext::matching_paren(t_, i) + 1;
        if (end < t_.size() && t_[end].kind == TokenKind::Cast) {
            size_t j = end + 1;
            return read_type_name(t_, j);
        }
        // A column alone, not the start of `doc ->> 'a'` or `doc::text`.
        const bool alone =
            i + 1 >= t_.size() || t_[i + 1].kind != TokenKind::Operator ||
            (t_[i + 1].text != "->" && t_[i + 1].text != "->>" && t_[i + 1].text != "#>" && t_[i + 1].text != "#>>");
        if (const Column* c = column_at(i); c && alone) {
            if (column && !*column) *column = c;
            return kind_of(c->type);
        }
        return end <= t_.size() && t_[i].kind == TokenKind::LParen ? kind(i, end, column) : Kind::Unknown;
    }

    // Top-level comma-separated arguments of the call whose `(` is at open.
    std::vector<std::pair<size_t, size_t>> arguments(size_t open) const {
        std::vector<std::pair<size_t, size_t>> out;
        const size_t close = sqltext::matching_paren(t_, open);
        size_t start = open + 1;
        for (size_t i = open + 1; i < close && i < t_.size(); ++i) {
            if (t_[i].kind == TokenKind::LParen) i = sqltext::matching_paren(t_, i);
            if (i < close && t_[i].kind == TokenKind::Comma) {
                out.emplace_back(start, i);
                start = i + 1;
            }
        }
        if (close > start && close <= t_.size()) out.emplace_back(start, close);
        return out;
    }

    // The operand before the `::` at i: [b, i).
    size_t operand_start(size_t i) const {
        if (i == 0) return i;
        if (t_[i - 1].kind != TokenKind::RParen) return i - 1;
        int depth = 0;
        for (size_t j = i; j-- > 0;) {
            if (t_[j].kind == TokenKind::RParen) ++depth;
            if (t_[j].kind == TokenKind::LParen && --depth == 0) {
                // fn(...)::T: the call's result, whose type we do not know.
                if (j > 0 && t_[j - 1].kind == TokenKind::Identifier && !sqltext::is_sql_keyword(t_[j - 1].text))
                    return i;
                return j;
            }
        }
        return i;
    }

private:
    const std::vector<Token>& t_;
    const Table& table_;
};

std::string column_text(const Column* c) {
    return c ? " column `" + c->name + "`" : " value";
}

// Why a cast from one kind to another is STABLE, or "".
std::string cast_problem(Kind from, Kind to) {
    const bool to_text = to == Kind::Text;
    if (from == Kind::Timestamptz && (to == Kind::Date || to == Kind::Timestamp || to == Kind::Time))
        return "it depends on the session's TimeZone";
    if ((from == Kind::Timestamp || from == Kind::Date) && to == Kind::Timestamptz)
        return "it depends on the session's TimeZone";
    if (to_text && (from == Kind::Timestamptz || from == Kind::Timestamp || from == Kind::Date))
        return "its text follows the DateStyle setting";
    if (to_text && from == Kind::Interval) return "its text follows the IntervalStyle setting";
    if (from == Kind::Text && (to == Kind::Date || to == Kind::Timestamp || to == Kind::Timestamptz ||
                               to == Kind::Time || to == Kind::Interval))
        return "reading text as a date or time follows the DateStyle and TimeZone settings (date_in, "
               "timestamp_in and interval_in are STABLE); store the value in a column of that type";
    return "";
}

std::string cast_fix(Kind from, Kind to, const Column* column) {
    if (from == Kind::Timestamptz && column && to != Kind::Text)
        return "; cast `(" + column->name + " AT TIME ZONE 'UTC')` instead";
    return "";
}

// Every use of such a function or cast in the fragment, as a message prefix.
std::vector<std::string> stable_uses(const std::vector<Token>& t, const Table& table) {
    ExpressionTypes types(t, table);
    std::vector<std::string> out;
    for (size_t i = 0; i < t.size(); ++i) {
        const bool call = t[i].kind == TokenKind::Identifier && i + 1 < t.size() &&
                          t[i + 1].kind == TokenKind::LParen && !(i > 0 && t[i - 1].kind == TokenKind::Dot);
        if (call) {
            const std::string& fn = t[i].text;
            const auto args = types.arguments(i + 1);
            const Column* column = nullptr;
            if (fn == "to_char") {
                out.push_back(
                    "`to_char` is STABLE for every type (its output follows locale and DateStyle "
                    "settings); index the value itself");
            } else if (fn == "to_timestamp" && args.size() == 2) {
                out.push_back(
                    "`to_timestamp(text, text)` is STABLE (it reads the session's TimeZone); only "
                    "`to_timestamp(double precision)` is IMMUTABLE");
            } else if (fn == "age" && args.size() == 1) {
                out.push_back(
                    "`age` with one argument counts from today's date, so it changes every day; index "
                    "the column and compute the age in queries");
            } else if ((fn == "date_trunc" || fn == "date_part") && args.size() >= 2 &&
                       types.kind(args[1].first, args[1].second, &column) == Kind::Timestamptz) {
                out.push_back("`" + fn + "` of timestamptz" + column_text(column) +
                              " depends on the session's TimeZone; apply it to `" +
                              (column ? column->name : std::string("...")) +
                              " AT TIME ZONE 'UTC'` (a timestamp, for which it is IMMUTABLE)");
            } else if (fn == "date" && args.size() == 1 &&
                       types.kind(args[0].first, args[0].second, &column) == Kind::Timestamptz) {
                out.push_back("`date` of timestamptz" + column_text(column) +
                              " depends on the session's TimeZone; use `(" +
                              (column ? column->name : std::string("...")) + " AT TIME ZONE 'UTC')::date`");
            } else if (fn == "extract" && args.size() == 1) {
                for (size_t j = args[0].first; j < args[0].second; ++j) {
                    if (word_at(t, j, "from") && types.kind(j + 1, args[0].second, &column) == Kind::Timestamptz) {
                        out.push_back("`extract` from timestamptz" + column_text(column) +
                                      " depends on the session's TimeZone; extract from `" +
                                      (column ? column->name : std::string("...")) +
                                      " AT TIME ZONE 'UTC'` (a timestamp, for which it is IMMUTABLE)");
                        break;
                    }
                }
            } else if (fn == "cast" && !args.empty()) {
                // CAST(x AS type)
                for (size_t j = args[0].first; j < args[0].second; ++j) {
                    if (t[j].kind == TokenKind::LParen) j = sqltext::matching_paren(t, j);
                    if (!word_at(t, j, "as")) continue;
                    size_t k = j + 1;
                    const Kind to = read_type_name(t, k);
                    const Kind from = types.kind(args[0].first, j, &column);
                    std::string why = cast_problem(from, to);
                    if (!why.empty()) {
                        out.push_back(std::string("the cast of ") + kind_name(from) + column_text(column) + " to `" +
                                      kind_name(to) + "` is STABLE: " + why + cast_fix(from, to, column));
                    }
                    break;
                }
            }
        }
        if (t[i].kind == TokenKind::Operator && (t[i].text == "+" || t[i].text == "-") && i > 0) {
            const Column* column = nullptr;
            const size_t b = types.operand_start(i);
            // `te - ts + interval` adds to (te - ts), whose type is not ts's: + and - are left-associative.
            const bool chained = b > 0 && t[b - 1].kind == TokenKind::Operator;
            const Kind left = chained ? Kind::Unknown : types.kind(b, i, &column);
            const Kind right = types.operand_kind(i + 1, &column);
            if ((left == Kind::Timestamptz && right == Kind::Interval) ||
                (left == Kind::Interval && right == Kind::Timestamptz && t[i].text == "+")) {
                out.push_back("timestamptz " + t[i].text + " interval" + column_text(column) +
                              " is STABLE: a day is not always 24 hours in the session's TimeZone; use `(" +
                              (column ? column->name : std::string("...")) + " AT TIME ZONE 'UTC') " + t[i].text +
                              " interval ...` (a timestamp, for which it is IMMUTABLE)");
            }
        }
        if (t[i].kind == TokenKind::Cast) {
            const size_t b = types.operand_start(i);
            if (b == i) continue;
            const Column* column = nullptr;
            const Kind from = types.kind(b, i, &column);
            size_t k = i + 1;
            const Kind to = read_type_name(t, k);
            std::string why = cast_problem(from, to);
            if (!why.empty()) {
                out.push_back(std::string("the cast of ") + kind_name(from) + column_text(column) + " to `" +
                              kind_name(to) + "` is STABLE: " + why + cast_fix(from, to, column));
            }
        }
    }
    return out;
}

bool comparison(const Token& t) {
    static const std::set<std::string, std::less<>> kComparisons{"=", "<>", "!=", "<", ">", "<=", ">="};
    return t.kind == TokenKind::Operator && kComparisons.count(t.text);
}

// Whether the key expression yields json: a json column, `doc -> 'a'`,
// `doc #> '{a}'` or a cast to json.
bool yields_json(const std::vector<Token>& t, const Table& table) {
    ExpressionTypes types(t, table);
    size_t b = 0, e = t.size();
    while (b < e && t[b].kind == TokenKind::LParen && sqltext::matching_paren(t, b) == e - 1) {
        ++b;
        --e;
    }
    size_t last_operator = e;
    for (size_t i = b; i < e; ++i) {
        if (t[i].kind == TokenKind::LParen) i = sqltext::matching_paren(t, i);
        if (i < e && t[i].kind == TokenKind::Operator) last_operator = i;
    }
    if (last_operator == e) return types.kind(b, e) == Kind::Json;
    const std::string& op = t[last_operator].text;
    return (op == "->" || op == "#>") && types.kind(b, last_operator) == Kind::Json;
}

}  // namespace

void check_json_comparisons(const Table& table, const std::string& sql, const SourceLocation& loc,
                            const std::string& what, Diagnostics& diags) {
    std::string error;
    auto tokens = sqltext::lex(sql, &error);
    if (!tokens) return;  // reported by check_fragment
    const std::vector<Token>& t = *tokens;
    ExpressionTypes types(t, table);
    for (size_t i = 1; i < t.size(); ++i) {
        if (!comparison(t[i])) continue;
        const Column* column = nullptr;
        const Kind left = types.kind(types.operand_start(i), i, &column);
        const Kind right = types.operand_kind(i + 1, &column);
        if (left != Kind::Json && right != Kind::Json) continue;
        diags.error(loc, "in " + what + ", `" + t[i].text + "` compares json" + column_text(column) +
                             ", but PostgreSQL has no comparison operators for json (\"operator does not exist: "
                             "json " +
                             t[i].text + " ...\"); use jsonb, or compare `" +
                             (column ? column->name : std::string("...")) + "::jsonb` or `->>` text");
    }
}

void check_immutable_expression(const Table& table, const std::string& sql, const SourceLocation& loc,
                                const std::string& what, const std::string& reason, const std::string& server_message,
                                Diagnostics& diags) {
    const auto names = column_names(table);
    check_fragment(sql, loc, {what, &names, true, reason}, diags);
    if (sql.empty()) return;
    std::string error;
    auto tokens = sqltext::lex(sql, &error);
    if (!tokens) return;  // reported by check_fragment
    for (const auto& use : stable_uses(*tokens, table))
        diags.error(loc, "in " + what + ", PostgreSQL refuses a function that is not IMMUTABLE (\"" + server_message +
                             "\"): " + use);
}

namespace {

// json has no b-tree or hash operator class, for an expression as for a column.
void check_json_key_expression(const Table& table, const Index& index, const KeyPart& key, const std::string& what,
                               Diagnostics& diags) {
    if (index.method != IndexMethod::Btree && index.method != IndexMethod::Hash) return;
    std::string error;
    auto tokens = sqltext::lex(key.expression, &error);
    if (!tokens || !yields_json(*tokens, table)) return;
    diags.error(key.loc, "the expression `" + key.expression + "` of " + what + " is json, which has no " +
                             index_method_name(index.method) +
                             " operator class (\"data type json has no default "
                             "operator class for access method \"" +
                             index_method_name(index.method) + "\"\"); index `->>` text, or use jsonb");
}

void check_hypertable_index(const Table& table, const Index& index, const std::string& what, Diagnostics& diags) {
    if (index.concurrently) {
        diags.error(index.loc, what +
                                   " is marked `concurrently`, but TimescaleDB refuses CREATE INDEX CONCURRENTLY "
                                   "on hypertables; remove `concurrently` (TimescaleDB builds hypertable indexes "
                                   "chunk by chunk)");
    }
    if (!index.unique) return;
    for (const NameRef* p : table.hypertable->partitioning()) {
        const std::string& column = p->name;
        bool covered =
            std::any_of(index.keys.begin(), index.keys.end(), [&](const KeyPart& k) { return k.column == column; });
        if (!covered) {
            diags.error(index.loc, what + " is unique on a hypertable but does not include column `" + column +
                                       "`, which TimescaleDB partitions by; add it to the index");
        }
    }
}

}  // namespace

namespace {

// An index's keys, included columns and predicate; an exclusion constraint's
// index is checked the same way.
void check_index(const Schema& schema, const Table& table, const Index& index, const std::string& what,
                 Diagnostics& diags) {
    const auto names = column_names(table);
    check_method_limits(index, what, diags);
    for (const auto& key : index.keys) {
        if (key.is_expression()) {
            check_immutable_expression(table, key.expression, key.loc, "an expression of " + what,
                                       "PostgreSQL requires functions in index expressions to be IMMUTABLE",
                                       "functions in index expression must be marked IMMUTABLE", diags);
            check_json_comparisons(table, key.expression, key.loc, "an expression of " + what, diags);
            check_json_key_expression(table, index, key, what, diags);
            continue;
        }
        const Column* column = table.find_column(key.column);
        if (!column) {
            diags.error(key.loc, "unknown column `" + key.column + "` in " + what + " of table `" + table.name + "`" +
                                     did_you_mean(key.column, names));
            continue;
        }
        check_key_type(schema, index, key, *column, what, diags);
    }
    for (const auto& inc : index.include) {
        if (!table.find_column(inc.name)) {
            diags.error(inc.loc,
                        "unknown column `" + inc.name + "` in `include` of " + what + did_you_mean(inc.name, names));
        }
    }
    check_immutable_expression(
        table, index.where, index.where_loc, "the `where` predicate of " + what,
        "PostgreSQL requires functions in index predicates to be IMMUTABLE (a partial index cannot move with the "
        "clock); filter on a fixed value, or drop `where` and filter in queries",
        "functions in index predicate must be marked IMMUTABLE", diags);
    if (!index.where.empty())
        check_json_comparisons(table, index.where, index.where_loc, "the `where` predicate of " + what, diags);
    if (table.hypertable) check_hypertable_index(table, index, what, diags);
}

// The index an exclusion constraint builds: its elements are the keys.
Index index_of(const Table& table, const ExclusionConstraint& x) {
    Index index;
    index.name = x.name;
    index.table = table.name;
    index.method = x.method;
    for (const auto& e : x.elements) index.keys.push_back(e.key);
    index.include = x.include;
    index.where = x.where;
    index.where_loc = x.where_loc;
    index.loc = x.loc;
    return index;
}

void check_exclusion(const Schema& schema, const Table& table, const ExclusionConstraint& x, Diagnostics& diags) {
    const std::string what = "exclusion constraint `" + x.name + "`";
    if (x.method == IndexMethod::Gin || x.method == IndexMethod::Brin) {
        diags.error(x.loc, what + " uses `" + index_method_name(x.method) +
                               "`, which does not support exclusion constraints (\"access method does not support "
                               "exclusion constraints\"); use gist (or btree or hash for `=` alone)");
        return;
    }
    if (x.elements.empty()) return;  // reported by the parser
    Index index = index_of(table, x);
    check_index(schema, table, index, what, diags);
    // On a hypertable it must hold every partitioning column, as a unique index does.
    index.unique = true;
    if (table.hypertable) check_hypertable_index(table, index, what, diags);
}

}  // namespace

void check_indexes(const Schema& schema, const Table& table, Diagnostics& diags) {
    for (const auto& index : table.indexes) check_index(schema, table, index, "index `" + index.name + "`", diags);
    for (const auto& x : table.exclusions) check_exclusion(schema, table, x, diags);
}

}  // namespace hyperschema::rules
