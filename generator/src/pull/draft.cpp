#include "pull/draft.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <set>

#include "catalog/privileges.hpp"
#include "emit/identifiers.hpp"
#include "emit/yaml_writer.hpp"
#include "hyperschema/detail/catalog_text.hpp"
#include "hyperschema/policy_kinds.hpp"
#include "model/interval.hpp"
#include "parse/node_reader.hpp"
#include "pull/aggregate_query.hpp"
#include "sqltext/lexer.hpp"

namespace hyperschema::pull {
namespace {

using detail::LiveJob;

// TimescaleDB's own defaults for a job's settings (tsl/src/bgw_policy/*.c,
// 2.28): written only where a job differs from them. max_retries is -1
// (for ever) for every kind.
struct JobDefaults {
    std::int64_t max_runtime_us;
    std::int64_t retry_period_us;  // -1: the schedule (a refresh policy's)
};

JobDefaults job_defaults(const std::string& proc) {
    constexpr std::int64_t minute = 60'000'000;
    if (proc == "policy_refresh_continuous_aggregate") return {0, -1};
    if (proc == "policy_compression") return {0, 60 * minute};
    if (proc == "policy_retention") return {5 * minute, 5 * minute};
    return {0, 5 * minute};  // reorder, and add_job's
}

Interval interval_of(const IntervalSpec& v) {
    return Interval{v.months, v.days, v.micros, v.integer_units};
}

std::string text_of(const IntervalSpec& v) {
    return interval_of(v).text();
}

std::string text_of(const std::optional<IntervalSpec>& v) {
    return v ? text_of(*v) : "";
}

bool same_interval(const std::optional<IntervalSpec>& v, std::int64_t micros) {
    return !v || interval_of(*v).approx_micros() == micros;
}

std::string utc_timestamp(std::int64_t micros) {
    const std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[40];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
    std::string out = text;
    if (const auto fraction = micros % 1'000'000) {
        char digits[24];
        std::snprintf(digits, sizeof digits, ".%06lld", static_cast<long long>(fraction));
        out += digits;
        out.erase(out.find_last_not_of('0') + 1);
    }
    return out + "+00";
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// An identifier for an escape-hatch object named after what it carries.
std::string hatch_name(const std::string& kind, const std::string& name) {
    return parse::suggested_identifier((kind + "_" + name).substr(0, 63));
}

class Writer {
public:
    Writer(const LiveDatabase& db, Draft& draft) : db_(db), live_(db.catalog), draft_(draft) {}

    void write(const std::string& name);

private:
    struct Hatch {
        std::string name, up, down, when;
        std::vector<std::string> depends_on;
        std::vector<std::pair<std::string, std::string>> provides;  // kind, name
    };

    const LiveDatabase& db_;
    const detail::LiveCatalog& live_;
    Draft& draft_;
    YAML::Emitter out_;
    std::vector<Hatch> hatches_;
    std::set<std::string> raw_functions_;  // routines carried as SQL
    std::set<std::string> raw_relations_;  // views and aggregates carried as SQL

    // The namespace's relations (declared in the DSL) that `sql` names: an
    // escape-hatch object is created after them.
    std::vector<std::string> mentioned_relations(const std::string& sql, const std::string& self = "") const {
        std::vector<std::string> out;
        auto consider = [&](const std::string& name) {
            if (name != self && !raw_relations_.count(name) && sqltext::mentions_any(sql, {name})) out.push_back(name);
        };
        for (const auto& [name, rel] : live_.relations) consider(name);
        return out;
    }

    void carry(const std::string& kind, const std::string& name, const std::string& why, Hatch hatch) {
        draft_.unsupported.push_back({kind, name, why});
        // Two tables' triggers, two overloads: one key each.
        const std::string base = hatch.name;
        for (int n = 2;
             std::any_of(hatches_.begin(), hatches_.end(), [&](const Hatch& h) { return h.name == hatch.name; }); ++n)
            hatch.name = base.substr(0, 58) + "_" + std::to_string(n);
        hatches_.push_back(std::move(hatch));
    }
    std::string qualified(const std::string& name) const { return quote(db_.namespace_) + "." + quote(name); }
    static std::string quote(const std::string& name) {
        std::string out = "\"";
        for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
        return out + "\"";
    }
    std::string comment_of(const std::string& key) const {
        auto it = live_.comments.find(key);
        return it == live_.comments.end() ? "" : it->second;
    }
    void comment(const std::string& key) {
        const std::string text = comment_of(key);
        if (!text.empty()) out_ << YAML::Key << "comment" << YAML::Value << YAML::DoubleQuoted << text;
    }
    void names(const std::vector<std::string>& list) {
        out_ << YAML::Flow << YAML::BeginSeq;
        for (const auto& n : list) out_ << n;
        out_ << YAML::EndSeq;
    }
    void grants(const std::string& object);

    void schema_header(const std::string& name);
    void enums();
    void domains();
    void routines(char kind);
    void routine(const FunctionSpec& f, const LiveRoutine& parts);
    void carry_routine(const FunctionSpec& f, const LiveRoutine& parts, const std::string& why, bool provides);
    void sequences();
    void tables();
    void table(const std::string& name, const detail::LiveRelation& rel);
    void column(const std::string& table, const detail::LiveColumn& c);
    void keys(const std::string& table);
    void key_parts(const LiveIndex& index);
    void indexes(const std::string& table, const std::vector<const LiveIndex*>& list);
    std::vector<const LiveIndex*> plain_indexes(const std::string& table);
    void hypertable(const std::string& table, const detail::LiveHypertable& h);
    void compression(const std::string& relation, const std::optional<IntervalSpec>& chunk_interval);
    void policies(const std::string& relation, bool skip_compression);
    void job_settings(const LiveJob& job);
    bool policy_expressible(const PolicyKindTraits& kind, const LiveJob& job);
    void triggers(const std::string& table);
    void views();
    void view_columns(const std::string& view);
    std::string column_comments_sql(const std::string& view) const;
    void aggregates();
    void aggregate(const std::string& name, const detail::LiveAggregate& a, const LiveAggregateQuery& q);
    void jobs();
    std::string job_name(const LiveJob& job) const;
    void raw_sql();

    const detail::LiveSequence* serial_sequence(const std::string& table, const detail::LiveColumn& c) const;
    const detail::LiveSequence* sequence_owned_by(const std::string& owner, bool identity) const;
    std::vector<const LiveJob*> jobs_of(const std::string& relation) const;
};

// The grant target of a verify-style object name ("table t", "function f(a
// integer)") and the name after its kind.
std::optional<std::pair<catalog::GrantTarget, std::string>> target_of(const std::string& object) {
    static const std::vector<std::pair<std::string, catalog::GrantTarget>> prefixes{
        {"table ", catalog::GrantTarget::Table},         {"materialized view ", catalog::GrantTarget::View},
        {"view ", catalog::GrantTarget::View},           {"continuous aggregate ", catalog::GrantTarget::Aggregate},
        {"sequence ", catalog::GrantTarget::Sequence},   {"function ", catalog::GrantTarget::Function},
        {"procedure ", catalog::GrantTarget::Procedure}, {"schema ", catalog::GrantTarget::Namespace}};
    for (const auto& [prefix, target] : prefixes)
        if (object.rfind(prefix, 0) == 0) return std::pair{target, object.substr(prefix.size())};
    return std::nullopt;
}

void Writer::grants(const std::string& object) {
    std::map<std::string, std::vector<std::string>> by_role;
    const auto target = target_of(object);
    if (!target) return;
    const std::vector<std::string> known = catalog::privileges_of(target->first);
    for (const auto& g : live_.grants) {
        if (g.object != object) continue;
        const std::string privilege = lower(g.privilege);
        if (std::find(known.begin(), known.end(), privilege) != known.end()) {
            by_role[g.role].push_back(privilege);
            continue;
        }
        // PostgreSQL 17's MAINTAIN, an aggregate's INSERT ...: as SQL.
        const std::string& name = target->second;
        const size_t paren = name.find('(');
        const std::string on = std::string(catalog::grant_target(target->first).keyword) + " " +
                               (target->first == catalog::GrantTarget::Namespace ? quote(name)
                                : paren == std::string::npos                     ? qualified(name)
                                                             : qualified(name.substr(0, paren)) + name.substr(paren));
        carry("grant", g.privilege + " on " + object + " to " + g.role,
              "the DSL's grants on a " + std::string(catalog::grant_target(target->first).name) + " do not take " +
                  g.privilege,
              {hatch_name("grant", privilege + "_" + name.substr(0, paren)),
               "GRANT " + g.privilege + " ON " + on + " TO " + quote(g.role),
               "REVOKE " + g.privilege + " ON " + on + " FROM " + quote(g.role),
               "",
               {},
               {}});
    }
    if (by_role.empty()) return;
    out_ << YAML::Key << "grants" << YAML::Value << YAML::BeginMap;
    for (const auto& [role, privileges] : by_role) {
        out_ << YAML::Key << role << YAML::Value;
        names(privileges);
    }
    out_ << YAML::EndMap;
}

void Writer::schema_header(const std::string& name) {
    out_ << YAML::Key << "schema" << YAML::Value << YAML::BeginMap << YAML::Key << "name" << YAML::Value << name
         << YAML::Key << "namespace" << YAML::Value << db_.namespace_;
    grants("schema " + db_.namespace_);
    // `public` carries PostgreSQL's own comment ("standard public schema").
    if (db_.namespace_ != "public") comment("schema " + db_.namespace_);
    out_ << YAML::EndMap;
    std::vector<std::string> extensions;
    for (const auto& [extension, version] : live_.extensions) {
        if (extension == "plpgsql") continue;
        if (parse::identifier_problem(extension, "extension").empty()) {
            extensions.push_back(extension);
            continue;
        }
        // uuid-ossp: a name the DSL's `extensions:` cannot take.
        carry("extension", extension, "its name is not an identifier the DSL takes",
              {hatch_name("extension", extension),
               "CREATE EXTENSION IF NOT EXISTS " + quote(extension),
               "DROP EXTENSION IF EXISTS " + quote(extension),
               "first",
               {},
               {}});
    }
    if (!extensions.empty()) {
        out_ << YAML::Key << "extensions" << YAML::Value;
        names(extensions);
    }
    if (!db_.roles.empty()) {
        out_ << YAML::Key << "roles" << YAML::Value;
        names(db_.roles);
    }
}

void Writer::enums() {
    if (live_.enums.empty()) return;
    out_ << YAML::Key << "enums" << YAML::Value << YAML::BeginMap;
    for (const auto& [name, values] : live_.enums) {
        out_ << YAML::Key << name << YAML::Value << YAML::BeginMap << YAML::Key << "values" << YAML::Value;
        names(values);
        comment("type " + name);
        out_ << YAML::EndMap;
    }
    out_ << YAML::EndMap;
}

// "CHECK ((VALUE > 0))" -> "(VALUE > 0)"
std::string check_condition(const std::string& definition) {
    std::string s = definition;
    if (s.rfind("CHECK (", 0) == 0 && s.back() == ')') s = s.substr(7, s.size() - 8);
    return s;
}

void Writer::domains() {
    if (live_.domains.empty()) return;
    out_ << YAML::Key << "domains" << YAML::Value << YAML::BeginMap;
    for (const auto& [name, d] : live_.domains) {
        out_ << YAML::Key << name << YAML::Value << YAML::BeginMap << YAML::Key << "type" << YAML::Value << d.type;
        if (d.not_null) out_ << YAML::Key << "not_null" << YAML::Value << true;
        if (!d.default_sql.empty()) out_ << YAML::Key << "default_sql" << YAML::Value << d.default_sql;
        if (!d.checks.empty()) {
            out_ << YAML::Key << "checks" << YAML::Value << YAML::BeginMap;
            for (const auto& c : d.checks) out_ << YAML::Key << c.name << YAML::Value << check_condition(c.definition);
            out_ << YAML::EndMap;
        }
        comment("type " + name);
        out_ << YAML::EndMap;
    }
    out_ << YAML::EndMap;
}

// A routine as SQL: before the tables (a default or trigger may call it),
// unless its body reads them, since a SQL function's body is checked when it
// is created.
void Writer::carry_routine(const FunctionSpec& f, const LiveRoutine& parts, const std::string& why, bool provides) {
    const std::string what = f.kind == 'p' ? "procedure" : "function";
    const std::vector<std::string> reads = mentioned_relations(f.body);
    Hatch hatch{hatch_name(what, f.name),
                parts.definition,
                "DROP " + std::string(f.kind == 'p' ? "PROCEDURE " : "FUNCTION ") + qualified(f.name) + "(" +
                    f.identity_arguments + ")",
                reads.empty() ? "first" : "",
                reads,
                {}};
    if (provides) hatch.provides.emplace_back(what, f.name);
    carry(what, f.name + "(" + f.identity_arguments + ")", why, std::move(hatch));
}

void Writer::routines(char kind) {
    bool any = false;
    std::set<std::string> written;
    for (const auto& f : live_.functions) {
        if (f.kind != kind) continue;
        const auto parts = std::find_if(db_.routines.begin(), db_.routines.end(), [&](const LiveRoutine& r) {
            return r.name == f.name && r.identity_arguments == f.identity_arguments;
        });
        if (parts == db_.routines.end()) continue;
        if (!parts->unsupported.empty()) {
            raw_functions_.insert(f.name);
            carry_routine(f, *parts, parts->unsupported, true);
            continue;
        }
        if (!written.insert(f.name).second) {  // an overload: one name is one key in the DSL
            // Its name is the DSL function's: the hatch does not declare it again.
            carry_routine(
                f, *parts,
                std::string("it overloads another ") + (kind == 'p' ? "procedure" : "function") + " of its name",
                false);
            continue;
        }
        if (!any) out_ << YAML::Key << (kind == 'p' ? "procedures" : "functions") << YAML::Value << YAML::BeginMap;
        any = true;
        routine(f, *parts);
    }
    if (any) out_ << YAML::EndMap;
}

void Writer::routine(const FunctionSpec& f, const LiveRoutine& parts) {
    const std::string object =
        std::string(f.kind == 'p' ? "procedure " : "function ") + f.name + "(" + f.identity_arguments + ")";
    out_ << YAML::Key << f.name << YAML::Value << YAML::BeginMap;
    comment(object);
    grants(object);
    if (!parts.arguments.empty()) {
        out_ << YAML::Key << "args" << YAML::Value << YAML::BeginSeq;
        for (const auto& a : parts.arguments) {
            out_ << YAML::Flow << YAML::BeginMap;
            if (!a.name.empty()) out_ << YAML::Key << "name" << YAML::Value << a.name;
            out_ << YAML::Key << "type" << YAML::Value << a.type;
            if (!a.mode.empty()) out_ << YAML::Key << "mode" << YAML::Value << a.mode;
            if (!a.default_sql.empty()) out_ << YAML::Key << "default" << YAML::Value << a.default_sql;
            out_ << YAML::EndMap;
        }
        out_ << YAML::EndSeq;
    }
    if (f.kind != 'p') out_ << YAML::Key << "returns" << YAML::Value << f.result;
    out_ << YAML::Key << "language" << YAML::Value << f.language;
    if (f.kind != 'p' && f.volatility != 'v')
        out_ << YAML::Key << "volatility" << YAML::Value << (f.volatility == 'i' ? "immutable" : "stable");
    if (f.strict) out_ << YAML::Key << "strict" << YAML::Value << true;
    if (f.security_definer) out_ << YAML::Key << "security_definer" << YAML::Value << true;
    if (!f.settings.empty()) {
        out_ << YAML::Key << "set" << YAML::Value << YAML::BeginMap;
        for (const auto& s : f.settings) {
            const size_t eq = s.find('=');
            out_ << YAML::Key << s.substr(0, eq) << YAML::Value << (eq == std::string::npos ? "" : s.substr(eq + 1));
        }
        out_ << YAML::EndMap;
    }
    out_ << YAML::Key << "body" << YAML::Value;
    emit::write_sql_text(out_, f.body);
    out_ << YAML::EndMap;
}

std::int64_t type_max(const std::string& type) {
    if (type == "smallint") return 32767;
    if (type == "integer") return 2147483647;
    return INT64_MAX;
}

std::int64_t type_min(const std::string& type) {
    return -type_max(type) - 1;
}

// The options a sequence of `type` has when none are given.
bool default_options(const SequenceSpec& s) {
    const bool up = s.increment > 0;
    return s.start == (up ? 1 : -1) && s.min_value == (up ? 1 : type_min(s.type)) &&
           s.max_value == (up ? type_max(s.type) : -1) && s.cache == 1 && !s.cycle && s.increment == 1;
}

void sequence_options(YAML::Emitter& out, const SequenceSpec& s) {
    const bool up = s.increment > 0;
    auto value = [&](const char* key, std::int64_t v, std::int64_t by_default) {
        if (v != by_default) out << YAML::Key << key << YAML::Value << v;
    };
    value("start", s.start, up ? s.min_value : s.max_value);
    value("increment", s.increment, 1);
    value("min", s.min_value, up ? 1 : type_min(s.type));
    value("max", s.max_value, up ? type_max(s.type) : -1);
    value("cache", s.cache, 1);
    if (s.cycle) out << YAML::Key << "cycle" << YAML::Value << true;
}

const detail::LiveSequence* Writer::sequence_owned_by(const std::string& owner, bool identity) const {
    for (const auto& [name, s] : live_.sequences)
        if (s.spec.owned_by == owner && s.owned_by_identity == identity) return &s;
    return nullptr;
}

// A serial column: its default takes the next value of a sequence it owns,
// named as PostgreSQL names it, with every option at its default.
const detail::LiveSequence* Writer::serial_sequence(const std::string& table, const detail::LiveColumn& c) const {
    static const std::map<std::string, std::string> serial_of{
        {"smallint", "smallserial"}, {"integer", "serial"}, {"bigint", "bigserial"}};
    if (!serial_of.count(c.type) || !c.not_null) return nullptr;
    const detail::LiveSequence* s = sequence_owned_by(table + "." + c.name, false);
    if (!s || s->spec.type != c.type || !default_options(s->spec)) return nullptr;
    if (c.default_sql != "nextval('" + s->spec.name + "'::regclass)") return nullptr;
    if (s->spec.name != (table + "_" + c.name + "_seq")) return nullptr;
    return s;
}

void Writer::sequences() {
    bool any = false;
    for (const auto& [name, s] : live_.sequences) {
        if (s.owned_by_identity) continue;
        const size_t dot = s.spec.owned_by.find('.');
        if (dot != std::string::npos) {
            const auto rel = live_.relations.find(s.spec.owned_by.substr(0, dot));
            if (rel != live_.relations.end()) {
                // Named first: clang before 16 cannot capture a structured binding.
                const std::string owner_column = s.spec.owned_by.substr(dot + 1);
                const auto col = std::find_if(rel->second.columns.begin(), rel->second.columns.end(),
                                              [&](const auto& c) { return c.name == owner_column; });
                if (col != rel->second.columns.end() && serial_sequence(rel->first, *col)) continue;
            }
        }
        if (!any) out_ << YAML::Key << "sequences" << YAML::Value << YAML::BeginMap;
        any = true;
        out_ << YAML::Key << name << YAML::Value << YAML::BeginMap << YAML::Key << "type" << YAML::Value << s.spec.type;
        sequence_options(out_, s.spec);
        if (!s.spec.owned_by.empty()) out_ << YAML::Key << "owned_by" << YAML::Value << s.spec.owned_by;
        comment("sequence " + name);
        grants("sequence " + name);
        out_ << YAML::EndMap;
    }
    if (any) out_ << YAML::EndMap;
}

void Writer::column(const std::string& table, const detail::LiveColumn& c) {
    out_ << YAML::Key << c.name << YAML::Value << YAML::BeginMap;
    const detail::LiveSequence* serial = serial_sequence(table, c);
    if (serial) {
        out_ << YAML::Key << "type" << YAML::Value
             << (c.type == "integer"  ? "serial"
                 : c.type == "bigint" ? "bigserial"
                                      : "smallserial");
    } else {
        out_ << YAML::Key << "type" << YAML::Value << c.type;
    }
    // A column of a NOT NULL domain is not null by its type, not by its own constraint.
    const auto domain = live_.domains.find(c.type);
    const bool not_null = c.not_null || (domain != live_.domains.end() && domain->second.not_null);
    if (!not_null) out_ << YAML::Key << "nullable" << YAML::Value << true;
    if (!serial && !c.default_sql.empty()) out_ << YAML::Key << "default_sql" << YAML::Value << c.default_sql;
    if (!c.collation.empty()) out_ << YAML::Key << "collate" << YAML::Value << c.collation;
    if (c.identity) {
        const char* kind = c.identity == 'a' ? "always" : "by_default";
        const detail::LiveSequence* s = sequence_owned_by(table + "." + c.name, true);
        out_ << YAML::Key << "identity" << YAML::Value;
        if (!s || default_options(s->spec)) {
            out_ << kind;
        } else {
            out_ << YAML::BeginMap << YAML::Key << "generated" << YAML::Value << kind;
            sequence_options(out_, s->spec);
            out_ << YAML::EndMap;
        }
    }
    if (!c.generated.empty()) out_ << YAML::Key << "generated" << YAML::Value << c.generated;
    comment("column " + table + "." + c.name);
    out_ << YAML::EndMap;
}

void Writer::key_parts(const LiveIndex& index) {
    out_ << YAML::BeginSeq;
    for (const auto& k : index.keys) {
        out_ << YAML::Flow << YAML::BeginMap << YAML::Key << (k.expression ? "expression" : "column") << YAML::Value
             << k.text;
        if (k.descending) out_ << YAML::Key << "order" << YAML::Value << "desc";
        // NULLS LAST is an ascending key's default, NULLS FIRST a descending one's.
        if (k.nulls_first != k.descending)
            out_ << YAML::Key << "nulls" << YAML::Value << (k.nulls_first ? "first" : "last");
        out_ << YAML::EndMap;
    }
    out_ << YAML::EndSeq;
}

const char* referential_action(char code) {
    switch (code) {
        case 'r':
            return "restrict";
        case 'c':
            return "cascade";
        case 'n':
            return "set_null";
        case 'd':
            return "set_default";
        default:
            return "no_action";
    }
}

void Writer::keys(const std::string& table) {
    std::vector<const LiveConstraint*> uniques, foreign, checks, exclusions;
    for (const auto& k : db_.constraints) {
        if (k.table != table) continue;
        if (!k.unsupported.empty()) {
            std::vector<std::string> depends{table};
            if (k.type == 'f' && k.ref_namespace == db_.namespace_ && k.ref_table != table)
                depends.push_back(k.ref_table);
            carry("constraint", k.name + " on " + table, k.unsupported,
                  {hatch_name("constraint", table + "_" + k.name),
                   "ALTER TABLE " + qualified(table) + " ADD CONSTRAINT " + quote(k.name) + " " + k.definition,
                   "ALTER TABLE " + qualified(table) + " DROP CONSTRAINT " + quote(k.name),
                   "",
                   depends,
                   {}});
            continue;
        }
        const LiveIndex* index = db_.find_index(k.index);
        const std::string key = "constraint " + k.name + " on " + table;
        if (k.type == 'p') {
            out_ << YAML::Key << "primary_key" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "name"
                 << YAML::Value << k.name << YAML::Key << "columns" << YAML::Value;
            names(k.columns);
            if (index && !index->include.empty()) {
                out_ << YAML::Key << "include" << YAML::Value;
                names(index->include);
            }
            comment(key);
            out_ << YAML::EndMap;
        }
        if (k.type == 'u') uniques.push_back(&k);
        if (k.type == 'f') foreign.push_back(&k);
        if (k.type == 'c') checks.push_back(&k);
        if (k.type == 'x') exclusions.push_back(&k);
    }
    if (!uniques.empty()) {
        out_ << YAML::Key << "unique" << YAML::Value << YAML::BeginSeq;
        for (const auto* k : uniques) {
            const LiveIndex* index = db_.find_index(k->index);
            out_ << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << k->name << YAML::Key
                 << "columns" << YAML::Value;
            names(k->columns);
            if (index && !index->include.empty()) {
                out_ << YAML::Key << "include" << YAML::Value;
                names(index->include);
            }
            if (index && index->nulls_not_distinct) out_ << YAML::Key << "nulls_not_distinct" << YAML::Value << true;
            comment("constraint " + k->name + " on " + table);
            out_ << YAML::EndMap;
        }
        out_ << YAML::EndSeq;
    }
    if (!foreign.empty()) {
        out_ << YAML::Key << "foreign_keys" << YAML::Value << YAML::BeginSeq;
        for (const auto* k : foreign) {
            out_ << YAML::BeginMap << YAML::Key << "name" << YAML::Value << k->name << YAML::Key << "columns"
                 << YAML::Value;
            names(k->columns);
            out_ << YAML::Key << "references" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "table"
                 << YAML::Value << k->ref_table << YAML::Key << "columns" << YAML::Value;
            names(k->ref_columns);
            out_ << YAML::EndMap;
            if (k->on_delete != 'a')
                out_ << YAML::Key << "on_delete" << YAML::Value << referential_action(k->on_delete);
            if (k->on_update != 'a')
                out_ << YAML::Key << "on_update" << YAML::Value << referential_action(k->on_update);
            comment("constraint " + k->name + " on " + table);
            out_ << YAML::EndMap;
        }
        out_ << YAML::EndSeq;
    }
    if (!checks.empty()) {
        out_ << YAML::Key << "checks" << YAML::Value << YAML::BeginMap;
        for (const auto* k : checks) {
            out_ << YAML::Key << k->name << YAML::Value << YAML::BeginMap << YAML::Key << "sql" << YAML::Value
                 << k->check;
            comment("constraint " + k->name + " on " + table);
            out_ << YAML::EndMap;
        }
        out_ << YAML::EndMap;
    }
    if (!exclusions.empty()) {
        out_ << YAML::Key << "exclusions" << YAML::Value << YAML::BeginMap;
        for (const auto* k : exclusions) {
            const LiveIndex* index = db_.find_index(k->index);
            if (!index) continue;
            out_ << YAML::Key << k->name << YAML::Value << YAML::BeginMap;
            if (index->method != "gist") out_ << YAML::Key << "using" << YAML::Value << index->method;
            out_ << YAML::Key << "elements" << YAML::Value << YAML::BeginSeq;
            for (const auto& e : index->keys)
                out_ << YAML::Flow << YAML::BeginMap << YAML::Key << (e.expression ? "expression" : "column")
                     << YAML::Value << e.text << YAML::Key << "with" << YAML::Value << YAML::DoubleQuoted << e.operator_
                     << YAML::EndMap;
            out_ << YAML::EndSeq;
            if (!index->include.empty()) {
                out_ << YAML::Key << "include" << YAML::Value;
                names(index->include);
            }
            if (!index->where.empty()) out_ << YAML::Key << "where" << YAML::Value << index->where;
            comment("constraint " + k->name + " on " + table);
            out_ << YAML::EndMap;
        }
        out_ << YAML::EndMap;
    }
}

// TimescaleDB's own indexes on a hypertable (create_default_indexes): on the
// time column descending, and on each space column with it.
bool is_default_time_index(const LiveIndex& i, const detail::LiveHypertable& h, const std::string& table) {
    if (i.unique || i.method != "btree" || !i.where.empty() || !i.include.empty() || !i.constraint.empty())
        return false;
    const auto& keys = i.keys;
    const bool time_last = !keys.empty() && !keys.back().expression && keys.back().text == h.time_column &&
                           keys.back().descending && keys.back().nulls_first;
    if (keys.size() == 1 && time_last) return i.name == table + "_" + h.time_column + "_idx";
    if (keys.size() == 2 && time_last && !keys[0].expression && !keys[0].descending)
        return i.name == table + "_" + keys[0].text + "_" + h.time_column + "_idx";
    return false;
}

std::vector<const LiveIndex*> Writer::plain_indexes(const std::string& table) {
    std::vector<const LiveIndex*> list;
    for (const auto& i : db_.indexes) {
        if (i.table != table || !i.constraint.empty()) continue;
        if (!i.unsupported.empty()) {
            carry("index", i.name, i.unsupported,
                  {hatch_name("index", i.name),
                   i.definition,
                   "DROP INDEX " + qualified(i.name),
                   "",
                   {table},
                   {{"index", i.name}}});
            continue;
        }
        list.push_back(&i);
    }
    return list;
}

void Writer::indexes(const std::string& table, const std::vector<const LiveIndex*>& list) {
    if (list.empty()) return;
    out_ << YAML::Key << "indexes" << YAML::Value << YAML::BeginMap;
    for (const auto* i : list) {
        out_ << YAML::Key << i->name << YAML::Value << YAML::BeginMap << YAML::Key << "columns" << YAML::Value;
        key_parts(*i);
        if (i->method != "btree") out_ << YAML::Key << "using" << YAML::Value << i->method;
        if (i->unique) out_ << YAML::Key << "unique" << YAML::Value << true;
        if (!i->include.empty()) {
            out_ << YAML::Key << "include" << YAML::Value;
            names(i->include);
        }
        if (!i->where.empty()) out_ << YAML::Key << "where" << YAML::Value << i->where;
        comment("index " + i->name);
        out_ << YAML::EndMap;
    }
    out_ << YAML::EndMap;
    (void)table;
}

std::vector<const LiveJob*> Writer::jobs_of(const std::string& relation) const {
    std::vector<const LiveJob*> list;
    for (const auto& j : live_.jobs)
        if (j.relation == relation) list.push_back(&j);
    return list;
}

void Writer::job_settings(const LiveJob& job) {
    const JobDefaults defaults = job_defaults(job.proc);
    if (job.schedule) out_ << YAML::Key << "schedule" << YAML::Value << text_of(job.schedule);
    if (job.initial_start) out_ << YAML::Key << "initial_start" << YAML::Value << utc_timestamp(*job.initial_start);
    // add_job's jobs run on a fixed schedule by default; policies do when given an initial start.
    const bool fixed_by_default = job.relation.empty() || job.initial_start.has_value();
    if (job.fixed_schedule != fixed_by_default)
        out_ << YAML::Key << "fixed_schedule" << YAML::Value << job.fixed_schedule;
    if (!job.timezone.empty()) out_ << YAML::Key << "timezone" << YAML::Value << job.timezone;
    if (!same_interval(job.max_runtime, defaults.max_runtime_us))
        out_ << YAML::Key << "max_runtime" << YAML::Value << text_of(job.max_runtime);
    if (job.max_retries != -1) out_ << YAML::Key << "max_retries" << YAML::Value << job.max_retries;
    const bool retry_is_default = defaults.retry_period_us < 0
                                      ? (job.retry_period && job.schedule && *job.retry_period == *job.schedule)
                                      : same_interval(job.retry_period, defaults.retry_period_us);
    if (!retry_is_default) out_ << YAML::Key << "retry_period" << YAML::Value << text_of(job.retry_period);
}

// A policy by creation time (compress_created_before, drop_created_before) has
// no threshold the DSL writes: listed, not written. A paused one is written
// (the DSL has no paused policies) and listed.
bool Writer::policy_expressible(const PolicyKindTraits& kind, const LiveJob& job) {
    const std::string what = std::string(kind.name) + " on " + job.relation;
    if (kind.threshold_is_interval && kind.kind != PolicyKind::Refresh && !job.after) {
        draft_.not_carried.push_back(
            {"policy", what, "it is by creation time (created_before), which the DSL has not"});
        return false;
    }
    if (!job.scheduled)
        draft_.not_carried.push_back({"policy", what, "it is paused (scheduled = false); the DSL's policies run"});
    return true;
}

void Writer::compression(const std::string& relation, const std::optional<IntervalSpec>& chunk_interval) {
    out_ << YAML::Key << "compression" << YAML::Value << YAML::BeginMap;
    if (auto s = live_.segment_by.find(relation); s != live_.segment_by.end()) {
        out_ << YAML::Key << "segment_by" << YAML::Value;
        names(s->second);
    }
    if (auto o = live_.order_by.find(relation); o != live_.order_by.end()) {
        out_ << YAML::Key << "order_by" << YAML::Value << YAML::BeginSeq;
        for (const auto& key : o->second) {
            const size_t space = key.find(' ');
            const std::string column = key.substr(0, space), rest = space == std::string::npos ? "" : key.substr(space);
            out_ << YAML::Flow << YAML::BeginMap << YAML::Key << "column" << YAML::Value << column;
            if (rest.find("DESC") != std::string::npos) out_ << YAML::Key << "order" << YAML::Value << "desc";
            if (rest.find("NULLS FIRST") != std::string::npos) out_ << YAML::Key << "nulls" << YAML::Value << "first";
            if (rest.find("NULLS LAST") != std::string::npos) out_ << YAML::Key << "nulls" << YAML::Value << "last";
            out_ << YAML::EndMap;
        }
        out_ << YAML::EndSeq;
    }
    if (chunk_interval) out_ << YAML::Key << "chunk_interval" << YAML::Value << text_of(chunk_interval);
    for (const auto* job : jobs_of(relation)) {
        if (job->proc != "policy_compression" || !policy_expressible(policy_traits(PolicyKind::Compression), *job))
            continue;
        out_ << YAML::Key << "after" << YAML::Value << text_of(job->after);
        job_settings(*job);
    }
    out_ << YAML::EndMap;
}

// The policies of a relation other than compression's (written with it).
void Writer::policies(const std::string& relation, bool skip_compression) {
    for (const auto* job : jobs_of(relation)) {
        const PolicyKindTraits* kind = policy_traits_of_proc(job->proc);
        if (!kind || (skip_compression && kind->kind == PolicyKind::Compression)) continue;
        if (!policy_expressible(*kind, *job)) continue;
        out_ << YAML::Key << std::string(kind->key) << YAML::Value << YAML::BeginMap;
        switch (kind->kind) {
            case PolicyKind::Refresh:
                out_ << YAML::Key << "start_offset" << YAML::Value;
                if (job->after)
                    out_ << text_of(job->after);
                else
                    out_ << YAML::Null;
                out_ << YAML::Key << "end_offset" << YAML::Value;
                if (job->end_offset)
                    out_ << text_of(job->end_offset);
                else
                    out_ << YAML::Null;
                // Written when the job's config has them (given when the policy was added).
                if (job->buckets_per_batch)
                    out_ << YAML::Key << "buckets_per_batch" << YAML::Value << *job->buckets_per_batch;
                if (job->max_batches_per_execution)
                    out_ << YAML::Key << "max_batches_per_execution" << YAML::Value << *job->max_batches_per_execution;
                if (job->refresh_newest_first)
                    out_ << YAML::Key << "refresh_newest_first" << YAML::Value << *job->refresh_newest_first;
                break;
            case PolicyKind::Retention:
                out_ << YAML::Key << "drop_after" << YAML::Value << text_of(job->after);
                break;
            case PolicyKind::Reorder:
                out_ << YAML::Key << "index" << YAML::Value << job->index;
                break;
            case PolicyKind::Compression:
                out_ << YAML::Key << "after" << YAML::Value << text_of(job->after);
                break;
        }
        job_settings(*job);
        out_ << YAML::EndMap;
    }
}

void Writer::hypertable(const std::string& table, const detail::LiveHypertable& h) {
    out_ << YAML::Key << "hypertable" << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << "time_column" << YAML::Value << h.time_column;
    // Seven days is TimescaleDB's default on a timestamp column.
    if (h.chunk_interval && (h.chunk_interval->integer_units || text_of(h.chunk_interval) != "7 days"))
        out_ << YAML::Key << "chunk_interval" << YAML::Value << text_of(h.chunk_interval);
    if (!h.dimensions.empty()) {
        out_ << YAML::Key << "dimensions" << YAML::Value << YAML::BeginSeq;
        for (const auto& d : h.dimensions) {
            out_ << YAML::Flow << YAML::BeginMap << YAML::Key << "column" << YAML::Value << d.column;
            if (d.partitions > 0)
                out_ << YAML::Key << "partitions" << YAML::Value << d.partitions;
            else
                out_ << YAML::Key << "interval" << YAML::Value << text_of(d.interval);
            out_ << YAML::EndMap;
        }
        out_ << YAML::EndSeq;
    }
    if (!h.integer_now.empty()) out_ << YAML::Key << "integer_now" << YAML::Value << h.integer_now;
    bool any_default_index = false;
    for (const auto& i : db_.indexes)
        if (i.table == table && is_default_time_index(i, h, table)) any_default_index = true;
    if (!any_default_index) out_ << YAML::Key << "create_default_indexes" << YAML::Value << false;
    if (!h.chunk_skipping.empty()) {
        out_ << YAML::Key << "chunk_skipping" << YAML::Value;
        names(h.chunk_skipping);
    }
    if (h.compression_enabled) compression(table, h.compress_chunk_interval);
    policies(table, h.compression_enabled);
    out_ << YAML::EndMap;
}

void Writer::triggers(const std::string& table) {
    bool any = false;
    for (const auto& t : db_.triggers) {
        if (t.table != table) continue;
        if (!t.unsupported.empty() || raw_functions_.count(t.function)) {
            std::string up = t.definition;
            if (!t.enabled_as.empty())
                up += ";\nALTER TABLE " + qualified(table) + " " + t.enabled_as + " TRIGGER " + quote(t.name);
            carry("trigger", t.name + " on " + table,
                  t.unsupported.empty() ? "its function is carried as SQL" : t.unsupported,
                  {hatch_name("trigger", table + "_" + t.name),
                   up,
                   "DROP TRIGGER " + quote(t.name) + " ON " + qualified(table),
                   "",
                   {table},
                   {}});
            continue;
        }
        if (!any) out_ << YAML::Key << "triggers" << YAML::Value << YAML::BeginMap;
        any = true;
        out_ << YAML::Key << t.name << YAML::Value << YAML::BeginMap << YAML::Key << (t.before ? "before" : "after")
             << YAML::Value;
        names(t.events);
        if (!t.update_of.empty()) {
            out_ << YAML::Key << "update_of" << YAML::Value;
            names(t.update_of);
        }
        if (!t.row) out_ << YAML::Key << "for_each" << YAML::Value << "statement";
        if (!t.when.empty()) out_ << YAML::Key << "when" << YAML::Value << t.when;
        out_ << YAML::Key << "function" << YAML::Value << t.function;
        if (!t.args.empty()) {
            out_ << YAML::Key << "args" << YAML::Value << YAML::Flow << YAML::BeginSeq;
            for (const auto& a : t.args) out_ << YAML::DoubleQuoted << a;
            out_ << YAML::EndSeq;
        }
        comment("trigger " + t.name + " on " + table);
        out_ << YAML::EndMap;
    }
    if (any) out_ << YAML::EndMap;
}

void Writer::table(const std::string& name, const detail::LiveRelation& rel) {
    out_ << YAML::Key << name << YAML::Value << YAML::BeginMap;
    comment("table " + name);
    grants("table " + name);
    if (rel.unlogged) out_ << YAML::Key << "unlogged" << YAML::Value << true;
    if (!rel.storage.empty()) {
        out_ << YAML::Key << "storage" << YAML::Value << YAML::BeginMap;
        for (const auto& s : rel.storage) {
            const size_t eq = s.find('=');
            out_ << YAML::Key << s.substr(0, eq) << YAML::Value << s.substr(eq + 1);
        }
        out_ << YAML::EndMap;
    }
    out_ << YAML::Key << "columns" << YAML::Value << YAML::BeginMap;
    for (const auto& c : rel.columns) column(name, c);
    out_ << YAML::EndMap;
    keys(name);
    std::vector<const LiveIndex*> list = plain_indexes(name);
    const auto h = live_.hypertables.find(name);
    if (h != live_.hypertables.end()) {
        // TimescaleDB's default indexes come with the hypertable.
        list.erase(std::remove_if(list.begin(), list.end(),
                                  [&](const LiveIndex* i) { return is_default_time_index(*i, h->second, name); }),
                   list.end());
    }
    indexes(name, list);
    if (h != live_.hypertables.end()) hypertable(name, h->second);
    triggers(name);
    out_ << YAML::EndMap;
}

void Writer::tables() {
    std::set<std::string> skipped;
    for (const auto& o : db_.other_objects)
        if (o.kind.find("table") != std::string::npos) skipped.insert(o.name);
    bool any = false;
    for (const auto& [name, rel] : live_.relations) {
        if (rel.kind != 'r' || skipped.count(name)) continue;
        if (!any) out_ << YAML::Key << "tables" << YAML::Value << YAML::BeginMap;
        any = true;
        table(name, rel);
    }
    if (any) out_ << YAML::EndMap;
}

// COMMENT ON COLUMN statements for a view carried as SQL, each after a `;`.
std::string Writer::column_comments_sql(const std::string& view) const {
    std::string out;
    const std::string prefix = "column " + view + ".";
    for (const auto& [key, text] : live_.comments) {
        if (key.rfind(prefix, 0) != 0) continue;
        out += ";\nCOMMENT ON COLUMN " + qualified(view) + "." + quote(key.substr(prefix.size())) + " IS " +
               emit::quote_literal(text);
    }
    return out;
}

// A view's columns, declared when one of them has a comment (the DSL keeps
// comments on a view's columns in their declarations): each with its type,
// nullable as PostgreSQL keeps no NOT NULL on a view's columns.
void Writer::view_columns(const std::string& view) {
    const auto rel = live_.relations.find(view);
    if (rel == live_.relations.end()) return;
    const bool commented = std::any_of(
        rel->second.columns.begin(), rel->second.columns.end(),
        [&](const detail::LiveColumn& c) { return live_.comments.count("column " + view + "." + c.name) > 0; });
    if (!commented) return;
    out_ << YAML::Key << "columns" << YAML::Value << YAML::BeginMap;
    for (const auto& c : rel->second.columns) {
        out_ << YAML::Key << c.name << YAML::Value << YAML::BeginMap << YAML::Key << "type" << YAML::Value << c.type
             << YAML::Key << "nullable" << YAML::Value << true;
        comment("column " + view + "." + c.name);
        out_ << YAML::EndMap;
    }
    out_ << YAML::EndMap;
}

void Writer::views() {
    bool any = false;
    for (const auto& v : db_.views) {
        const std::string kind = v.materialized ? "materialized view " : "view ";
        if (!v.unsupported.empty()) {
            raw_relations_.insert(v.name);
            carry(kind.substr(0, kind.size() - 1), v.name, v.unsupported,
                  {hatch_name("view", v.name),
                   "CREATE " + std::string(v.materialized ? "MATERIALIZED " : "") + "VIEW " + qualified(v.name) +
                       (v.options.empty() ? "" : " WITH (" + v.options + ")") + " AS\n" + v.definition +
                       (v.materialized && !v.populated ? "\nWITH NO DATA" : "") + column_comments_sql(v.name),
                   "DROP " + std::string(v.materialized ? "MATERIALIZED " : "") + "VIEW " + qualified(v.name),
                   "",
                   mentioned_relations(v.definition, v.name),
                   {{v.materialized ? "materialized_view" : "view", v.name}}});
            continue;
        }
        if (!any) out_ << YAML::Key << "views" << YAML::Value << YAML::BeginMap;
        any = true;
        // pg_get_viewdef indents its first line.
        out_ << YAML::Key << v.name << YAML::Value << YAML::BeginMap << YAML::Key << "sql" << YAML::Value;
        emit::write_sql_text(out_,
                             v.definition.substr(std::min(v.definition.size(), v.definition.find_first_not_of(' '))));
        if (!v.depends_on.empty()) {
            out_ << YAML::Key << "depends_on" << YAML::Value;
            names(v.depends_on);
        }
        comment(kind + v.name);
        grants(kind + v.name);
        view_columns(v.name);
        if (v.materialized) {
            out_ << YAML::Key << "materialized" << YAML::Value << true;
            if (!v.populated) out_ << YAML::Key << "with_data" << YAML::Value << false;
            std::vector<const LiveIndex*> list;
            for (const auto* i : plain_indexes(v.name)) list.push_back(i);
            indexes(v.name, list);
        }
        out_ << YAML::EndMap;
    }
    if (any) out_ << YAML::EndMap;
}

// A continuous aggregate's materialization chunk interval when none is set:
// ten times its source's (a hypertable's chunk interval, or the parent
// aggregate's materialization chunk interval).
std::optional<IntervalSpec> default_aggregate_chunk(const detail::LiveCatalog& live, const std::string& source) {
    std::optional<IntervalSpec> base;
    if (auto h = live.hypertables.find(source); h != live.hypertables.end()) base = h->second.chunk_interval;
    if (auto a = live.aggregates.find(source); a != live.aggregates.end()) base = a->second.chunk_interval;
    if (!base) return std::nullopt;
    IntervalSpec ten = *base;
    ten.months *= 10;
    ten.days *= 10;
    ten.micros *= 10;
    return ten;
}

void Writer::aggregate(const std::string& name, const detail::LiveAggregate& a, const LiveAggregateQuery& q) {
    std::string problem;
    auto parts = split_aggregate_query(q.query, a.source, &problem);
    if (!parts) {
        std::string up = "CREATE MATERIALIZED VIEW " + qualified(name) +
                         " WITH (timescaledb.continuous, timescaledb.materialized_only = " +
                         (a.materialized_only ? "true" : "false") + ") AS\n" + q.query + "\nWITH NO DATA";
        raw_relations_.insert(name);
        carry("continuous aggregate", name, problem + "; its policies are not carried with it",
              {hatch_name("aggregate", name),
               up,
               "DROP MATERIALIZED VIEW " + qualified(name),
               "",
               mentioned_relations(q.query, name),
               {{"materialized_view", name}}});
        return;
    }
    out_ << YAML::Key << name << YAML::Value << YAML::BeginMap;
    comment("view " + name);
    grants("continuous aggregate " + name);
    out_ << YAML::Key << "from" << YAML::Value << a.source;
    out_ << YAML::Key << "bucket" << YAML::Value << text_of(a.bucket);
    if (parts->bucket_column != "bucket") out_ << YAML::Key << "bucket_column" << YAML::Value << parts->bucket_column;
    if (q.origin) out_ << YAML::Key << "origin" << YAML::Value << *q.origin;
    if (a.offset) out_ << YAML::Key << "offset" << YAML::Value << text_of(a.offset);
    if (!a.timezone.empty()) out_ << YAML::Key << "timezone" << YAML::Value << a.timezone;
    if (!parts->joins.empty()) {
        out_ << YAML::Key << "joins" << YAML::Value << YAML::BeginSeq;
        for (const auto& j : parts->joins) {
            out_ << YAML::BeginMap << YAML::Key << "table" << YAML::Value << j.table;
            if (j.left) out_ << YAML::Key << "type" << YAML::Value << "left";
            out_ << YAML::Key << "on" << YAML::Value << j.on << YAML::EndMap;
        }
        out_ << YAML::EndSeq;
    }
    if (!parts->group_by.empty()) {
        out_ << YAML::Key << "group_by" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const auto& g : parts->group_by) {
            if (g.expression.empty())
                out_ << g.column;
            else
                out_ << YAML::BeginMap << YAML::Key << "name" << YAML::Value << g.name << YAML::Key << "expr"
                     << YAML::Value << g.expression << YAML::EndMap;
        }
        out_ << YAML::EndSeq;
    }
    out_ << YAML::Key << "columns" << YAML::Value << YAML::BeginMap;
    for (const auto& [column, expression] : parts->columns) {
        const std::string text = comment_of("column " + name + "." + column);
        if (text.empty()) {
            out_ << YAML::Key << column << YAML::Value << expression;
            continue;
        }
        out_ << YAML::Key << column << YAML::Value << YAML::BeginMap << YAML::Key << "expr" << YAML::Value << expression
             << YAML::Key << "comment" << YAML::Value << YAML::DoubleQuoted << text << YAML::EndMap;
    }
    out_ << YAML::EndMap;
    std::vector<std::string> default_order{parts->bucket_column};
    for (const auto& g : parts->group_by) default_order.push_back(g.name);
    for (const auto& c : parts->columns) default_order.push_back(c.first);
    if (default_order != parts->output) {
        out_ << YAML::Key << "column_order" << YAML::Value;
        names(parts->output);
    }
    if (!parts->where.empty()) out_ << YAML::Key << "where" << YAML::Value << parts->where;
    if (!a.materialized_only) out_ << YAML::Key << "materialized_only" << YAML::Value << false;
    if (!parts->group_by.empty() && !q.group_indexes)
        out_ << YAML::Key << "create_group_indexes" << YAML::Value << false;
    if (a.chunk_interval && a.chunk_interval != default_aggregate_chunk(live_, a.source))
        out_ << YAML::Key << "chunk_interval" << YAML::Value << text_of(a.chunk_interval);
    if (a.compression_enabled) compression(name, std::nullopt);
    policies(name, a.compression_enabled);
    out_ << YAML::EndMap;
}

void Writer::aggregates() {
    bool any = false;
    // Parents before children, as the DSL needs them declared in any order but reads better so.
    for (const auto& q : db_.aggregate_queries) {
        const auto a = live_.aggregates.find(q.name);
        if (a == live_.aggregates.end()) continue;
        if (!any) out_ << YAML::Key << "aggregates" << YAML::Value << YAML::BeginMap;
        any = true;
        aggregate(q.name, a->second, q);
    }
    if (any) out_ << YAML::EndMap;
}

// A job's name in the DSL is an identifier; add_job without job_name calls
// every job "User-Defined Action": such a job is named after its procedure
// (and its id, when two call the same one).
std::string Writer::job_name(const LiveJob& job) const {
    if (!job.name.empty() && parse::identifier_problem(job.name, "job").empty()) return job.name;
    int same_procedure = 0;
    for (const auto& j : live_.jobs) same_procedure += j.relation.empty() && j.proc == job.proc;
    return parse::suggested_identifier(same_procedure > 1 ? job.proc + "_" + std::to_string(job.id) : job.proc);
}

void Writer::jobs() {
    bool any = false;
    for (const auto& j : live_.jobs) {
        if (!j.relation.empty()) continue;
        if (!any) out_ << YAML::Key << "jobs" << YAML::Value << YAML::BeginMap;
        any = true;
        out_ << YAML::Key << job_name(j) << YAML::Value << YAML::BeginMap;
        out_ << YAML::Key << "procedure" << YAML::Value << j.proc;
        if (!j.config.empty()) out_ << YAML::Key << "config" << YAML::Value << YAML::DoubleQuoted << j.config;
        if (!j.check_config.empty()) out_ << YAML::Key << "check_config" << YAML::Value << j.check_config;
        if (!j.scheduled) out_ << YAML::Key << "scheduled" << YAML::Value << false;
        job_settings(j);
        out_ << YAML::EndMap;
    }
    if (any) out_ << YAML::EndMap;
}

void Writer::raw_sql() {
    if (hatches_.empty()) return;
    out_ << YAML::Key << "sql" << YAML::Value << YAML::BeginMap;
    for (const auto& h : hatches_) {
        out_ << YAML::Key << h.name << YAML::Value << YAML::BeginMap;
        out_ << YAML::Key << "up" << YAML::Value;
        emit::write_sql_text(out_, h.up);
        out_ << YAML::Key << "down" << YAML::Value;
        emit::write_sql_text(out_, h.down);
        if (!h.when.empty()) out_ << YAML::Key << "when" << YAML::Value << h.when;
        if (!h.depends_on.empty()) {
            out_ << YAML::Key << "depends_on" << YAML::Value;
            names(h.depends_on);
        }
        if (!h.provides.empty()) {
            out_ << YAML::Key << "provides" << YAML::Value << YAML::BeginMap;
            for (const auto& [kind, name] : h.provides) {
                out_ << YAML::Key << kind << YAML::Value;
                names({name});
            }
            out_ << YAML::EndMap;
        }
        out_ << YAML::EndMap;
    }
    out_ << YAML::EndMap;
}

void Writer::write(const std::string& name) {
    out_.SetIndent(2);
    out_.SetBoolFormat(YAML::TrueFalseBool);
    out_ << YAML::BeginMap;
    schema_header(name);
    enums();
    domains();
    routines('f');
    routines('p');
    sequences();
    tables();
    views();
    aggregates();
    jobs();
    raw_sql();
    out_ << YAML::EndMap;
    draft_.yaml = std::string(out_.c_str()) + "\n";
    for (const auto& o : db_.other_objects) draft_.not_carried.push_back(o);
}

}  // namespace

std::string default_schema_name(const LiveDatabase& db) {
    return parse::suggested_identifier(db.namespace_ == "public" ? db.database : db.namespace_);
}

Draft draft_schema(const LiveDatabase& db, const std::string& schema_name) {
    Draft draft;
    draft.name = schema_name;
    Writer(db, draft).write(schema_name);
    return draft;
}

}  // namespace hyperschema::pull
