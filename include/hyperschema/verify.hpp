#pragma once

// verify(): proves that a live database is the schema the application was
// built for. It reads the catalog in a fixed handful of queries and reports
// every difference as missing, unexpected or different, with the expected and
// the actual value, plus TimescaleDB jobs that keep failing and server
// versions too old for the schema. TimescaleDB's own objects (chunks, the
// _timescaledb_* schemas, materialization hypertables, the default time
// index) are understood and never reported.

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "hyperschema/detail/catalog_text.hpp"
#include "hyperschema/detail/json.hpp"
#include "hyperschema/detail/live_catalog.hpp"
#include "hyperschema/error.hpp"
#include "hyperschema/expected_schema.hpp"
#include "hyperschema/migrator.hpp"
#include "hyperschema/server_faults.hpp"
#include "hyperschema/version.hpp"

namespace hyperschema {

enum class DriftKind {
    Missing,       // in the schema, not in the database
    Unexpected,    // in the database, not in the schema
    Different,     // in both, with other settings
    Unhealthy,     // a TimescaleDB job whose last run failed
    Incompatible,  // the server cannot run this schema (TimescaleDB missing or too old)
};

inline const char* drift_kind_name(DriftKind kind) {
    switch (kind) {
        case DriftKind::Missing:
            return "missing";
        case DriftKind::Unexpected:
            return "unexpected";
        case DriftKind::Different:
            return "different";
        case DriftKind::Unhealthy:
            return "unhealthy";
        case DriftKind::Incompatible:
            return "incompatible";
    }
    return "drift";
}

struct Drift {
    DriftKind kind = DriftKind::Different;
    std::string object;   // "column devices.name", "refresh policy metrics_hourly"
    std::string message;  // what differs, in words
    std::string expected;
    std::string actual;
};

struct VerifyOptions {
    // Unexpected objects whose name matches one of these globs (* and ?) are
    // not reported: "legacy_*", "audit_log", "devices.tmp_*" for a column.
    std::vector<std::string> ignore;
    // Report TimescaleDB jobs whose last run failed.
    bool job_health = true;
    // Compare every view's and continuous aggregate's whole definition (its
    // columns' expressions, FROM and joins, WHERE, GROUP BY, the bucket's
    // width, origin, offset and time zone) in the server's own form: each is
    // built again from the schema in one transaction that is rolled back.
    // It needs CREATE on the schema's namespace and briefly takes the locks
    // creating an aggregate takes on its source; off by default.
    bool definitions = false;
    // Where the migrator keeps its history (to report the applied version).
    std::string history_schema = "hyperschema";
    std::string history_table = "schema_migrations";
};

struct VerifyReport {
    std::string schema;
    std::string postgres_version;
    std::string timescaledb_version;  // "" when not installed
    int schema_version = 0;           // the newest migration the application has
    std::optional<int> database_version;
    std::vector<Drift> problems;

    bool ok() const { return problems.empty(); }
    std::string text() const;
    std::string json() const;
};

namespace detail {

inline bool glob_match(const std::string& pattern, const std::string& text) {
    size_t p = 0, t = 0, star = std::string::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p, ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++, mark = t;
        } else if (star != std::string::npos) {
            p = star + 1, t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

inline std::string trim_space(const std::string& s) {
    const size_t first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

inline std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

// True when `sql` is a constant (literals, numbers, casts, signs) the server
// can evaluate without side effects, as a default such as '15 minutes' is.
inline bool is_constant_sql(const std::string& sql) {
    const std::string s = normal_form::lower_without_casts(sql);
    std::string word;
    bool in_literal = false;
    auto word_ok = [&word] {
        const bool ok = word.empty() || word == "true" || word == "false" || normal_form::is_number_text(word) ||
                        std::all_of(word.begin(), word.end(), [](char c) {
                            return std::isdigit(static_cast<unsigned char>(c)) || c == 'e' || c == '.';
                        });
        word.clear();
        return ok;
    };
    for (char c : s) {
        if (c == '\'') {
            in_literal = !in_literal;
        } else if (!in_literal && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')) {
            word += c;
        } else if (!in_literal) {
            if (!word_ok() || std::string(" -+()").find(c) == std::string::npos) return false;
        }
    }
    return word_ok();
}

class Verifier {
public:
    Verifier(connection& conn, const ExpectedSchema& schema, const VerifyOptions& options)
        : conn_(conn), schema_(schema), options_(options) {}

    VerifyReport run() {
        const std::string history =
            checked_identifier(options_.history_schema) + "." + checked_identifier(options_.history_table);
        live_ = read_live_catalog(conn_, schema_.namespace_name, history, !schema_.provided.empty(), schema_.roles);
        report_.schema = schema_.name;
        report_.postgres_version = live_.postgres_version;
        report_.timescaledb_version = live_.timescaledb_version;
        report_.schema_version = schema_.version;
        report_.database_version = live_.applied_version;
        check_versions();
        check_extensions();
        check_enums();
        check_domains();
        check_sequences();
        check_relations();
        check_functions();
        check_triggers();
        check_provided();
        if (!live_.timescaledb_version.empty()) {
            check_hypertables();
            check_aggregates();
            check_compression();
            check_policies();
            check_jobs();
        }
        check_grants();
        check_comments();
        check_data();
        if (options_.definitions) check_definitions();
        settle_constant_defaults();
        settle_job_configs();
        return report_;
    }

private:
    void add(DriftKind kind, std::string object, std::string message, std::string expected = "",
             std::string actual = "") {
        report_.problems.push_back(
            {kind, std::move(object), std::move(message), std::move(expected), std::move(actual)});
    }

    void unexpected(const std::string& what, const std::string& name, const std::string& message) {
        for (const auto& pattern : options_.ignore)
            if (glob_match(pattern, name)) return;
        if (provided(what, name.substr(0, name.find('(')))) return;
        add(DriftKind::Unexpected, what + " " + name, message);
    }

    // Whether the schema's raw SQL creates this object (`what` as verify
    // words it: "materialized view", "enum", ...).
    // A provided kind as verify words its objects: "materialized view", "enum".
    static std::string kind_words(const std::string& kind) {
        std::string words = kind == "type" ? "enum" : kind;
        std::replace(words.begin(), words.end(), '_', ' ');
        return words;
    }

    // A continuous aggregate may be made by raw SQL declared as a view, and
    // what lives on a provided relation (its triggers, its policies' jobs)
    // is the raw SQL's too.
    bool provided(const std::string& what, const std::string& name) const {
        const bool on_relation = what == "trigger" || (what.size() > 7 && what.rfind(" policy") == what.size() - 7);
        const std::string relation =
            what == "trigger" && name.find(" on ") != std::string::npos ? name.substr(name.find(" on ") + 4) : name;
        for (const auto& p : schema_.provided) {
            const std::string kind = kind_words(p.kind);
            const bool a_relation = kind == "table" || kind == "view" || kind == "materialized view";
            if (on_relation ? (a_relation && p.name == relation)
                            : p.name == name && (kind == what || (what == "continuous aggregate" && a_relation)))
                return true;
        }
        return false;
    }

    void check_provided() {
        for (const auto& p : schema_.provided) {
            if (live_.objects.count(p.kind + " " + p.name)) continue;
            // A type is named as declared here, not as an enum.
            const std::string kind = p.kind == "type" ? "type" : kind_words(p.kind);
            add(DriftKind::Missing, kind + " " + p.name, "no such " + kind + " (declared by the schema's raw SQL)");
        }
    }

    void check_versions() {
        if (schema_.version > 0 && live_.applied_version && *live_.applied_version != schema_.version)
            add(DriftKind::Different, "schema version", "the database's migration history is at another version",
                std::to_string(schema_.version), std::to_string(*live_.applied_version));
        if (!schema_.uses_timescaledb) return;
        if (live_.timescaledb_version.empty()) {
            add(DriftKind::Incompatible, "extension timescaledb",
                "the schema needs TimescaleDB, which is not installed in this database (CREATE EXTENSION "
                "timescaledb; the server must load it with shared_preload_libraries)",
                ">= " + schema_.min_timescaledb, "not installed");
        } else if (!schema_.min_timescaledb.empty() &&
                   !version_at_least(live_.timescaledb_version, schema_.min_timescaledb)) {
            add(DriftKind::Incompatible, "extension timescaledb",
                "the schema needs a newer TimescaleDB than the server has; upgrade the extension "
                "(ALTER EXTENSION timescaledb UPDATE) before migrating",
                ">= " + schema_.min_timescaledb, live_.timescaledb_version);
        }
    }

    void check_extensions() {
        for (const auto& e : schema_.extensions)
            if (!live_.extensions.count(e)) add(DriftKind::Missing, "extension " + e, "not installed");
    }

    void check_enums() {
        std::set<std::string> expected;
        for (const auto& e : schema_.enums) {
            expected.insert(e.name);
            auto live = live_.enums.find(e.name);
            if (live == live_.enums.end())
                add(DriftKind::Missing, "enum " + e.name, "no such type");
            else if (live->second != e.labels)
                add(DriftKind::Different, "enum " + e.name, "labels differ", join(e.labels), join(live->second));
        }
        for (const auto& [name, labels] : live_.enums)
            if (!expected.count(name)) unexpected("enum", name, "a type the schema does not declare");
    }

    // The schema's roles exist; they hold exactly the privileges it grants
    // them (other roles' privileges, the owner's and PUBLIC's, are not compared).
    void check_grants() {
        for (const auto& role : schema_.roles)
            if (!live_.roles.count(role)) add(DriftKind::Missing, "role " + role, "no such role");
        auto key = [](const GrantSpec& g) { return g.object + "\n" + g.role + "\n" + g.privilege; };
        std::set<std::string> expected, live;
        for (const auto& g : schema_.grants) expected.insert(key(g));
        for (const auto& g : live_.grants) live.insert(key(g));
        for (const auto& g : schema_.grants)
            if (live_.roles.count(g.role) && !live.count(key(g)))
                add(DriftKind::Missing, g.object, "grant " + g.privilege + " to " + g.role + " missing");
        for (const auto& g : live_.grants)
            if (!expected.count(key(g)))
                add(DriftKind::Unexpected, g.object, "grant " + g.privilege + " to " + g.role + " not in the schema");
    }

    void check_domains() {
        std::set<std::string> expected;
        for (const auto& d : schema_.domains) {
            expected.insert(d.name);
            const std::string object = "domain " + d.name;
            auto found = live_.domains.find(d.name);
            if (found == live_.domains.end()) {
                add(DriftKind::Missing, object, "no such type");
                continue;
            }
            const DomainSpec& l = found->second;
            if (l.type != d.type) add(DriftKind::Different, object, "base type differs", d.type, l.type);
            if (l.not_null != d.not_null)
                add(DriftKind::Different, object, "nullability differs", d.not_null ? "NOT NULL" : "NULL",
                    l.not_null ? "NOT NULL" : "NULL");
            if (normalize_sql(l.default_sql) != normalize_sql(d.default_sql))
                add(DriftKind::Different, object, "default differs", or_none(d.default_sql), or_none(l.default_sql));
            std::set<std::string> checks;
            for (const auto& c : d.checks) {
                checks.insert(c.name);
                auto live = std::find_if(l.checks.begin(), l.checks.end(),
                                         [&](const ConstraintSpec& x) { return x.name == c.name; });
                if (live == l.checks.end())
                    add(DriftKind::Missing, object, "check " + c.name + " missing", c.definition, "");
                else if (normalize_sql(live->definition) != normalize_sql(c.definition))
                    add(DriftKind::Different, object, "check " + c.name + " differs", c.definition, live->definition);
            }
            for (const auto& c : l.checks)
                if (!checks.count(c.name))
                    add(DriftKind::Unexpected, object, "check " + c.name + " not in the schema", "", c.definition);
        }
        for (const auto& [name, d] : live_.domains)
            if (!expected.count(name)) unexpected("domain", name, "a type the schema does not declare");
    }

    // Standalone sequences by every setting; a sequence owned by a column
    // (serial, identity) belongs to that column and is not the schema's to declare.
    void check_sequences() {
        std::set<std::string> expected;
        for (const auto& s : schema_.sequences) {
            expected.insert(s.name);
            const std::string object = "sequence " + s.name;
            auto found = live_.sequences.find(s.name);
            if (found == live_.sequences.end()) {
                add(DriftKind::Missing, object, "no such sequence");
                continue;
            }
            const SequenceSpec& l = found->second.spec;
            auto differs = [&](const char* what, const std::string& e, const std::string& a) {
                if (e != a) add(DriftKind::Different, object, std::string(what) + " differs", e, a);
            };
            differs("type", s.type, l.type);
            differs("start", std::to_string(s.start), std::to_string(l.start));
            differs("increment", std::to_string(s.increment), std::to_string(l.increment));
            differs("minvalue", std::to_string(s.min_value), std::to_string(l.min_value));
            differs("maxvalue", std::to_string(s.max_value), std::to_string(l.max_value));
            differs("cache", std::to_string(s.cache), std::to_string(l.cache));
            differs("cycle", s.cycle ? "CYCLE" : "NO CYCLE", l.cycle ? "CYCLE" : "NO CYCLE");
            differs("owner", or_none(s.owned_by), or_none(l.owned_by));
        }
        for (const auto& [name, l] : live_.sequences)
            if (!expected.count(name) && l.spec.owned_by.empty()) unexpected("sequence", name, "not in the schema");
    }

    void check_relations() {
        std::set<std::string> expected;
        for (const auto& t : schema_.tables) {
            expected.insert(t.name);
            check_table(t);
        }
        for (const auto& v : schema_.views) {
            expected.insert(v.name);
            const char kind = v.materialized ? 'm' : 'v';
            const std::string object = relkind_name(kind) + " " + v.name;
            auto live = live_.relations.find(v.name);
            if (live == live_.relations.end()) {
                add(DriftKind::Missing, object, "no such " + relkind_name(kind));
            } else if (live->second.kind != kind) {
                add(DriftKind::Different, object, "is not a " + relkind_name(kind), relkind_name(kind),
                    relkind_name(live->second.kind));
            } else {
                check_view_columns(v, live->second);
                if (v.materialized) check_indexes(TableSpec{v.name, {}, {}, v.indexes}, live->second);
            }
        }
        for (const auto& a : schema_.aggregates) expected.insert(a.name);
        for (const auto& [name, rel] : live_.relations) {
            // A continuous aggregate is a view too: check_aggregates reports it.
            if (expected.count(name) || live_.aggregates.count(name)) continue;
            if (name == options_.history_table && schema_.namespace_name == options_.history_schema) continue;
            unexpected(relkind_name(rel.kind), name, "not in the schema");
        }
    }

    // Functions by name and input argument types, as PostgreSQL tells them apart.
    void check_functions() {
        auto label = [](const FunctionSpec& f) {
            return std::string(f.kind == 'p' ? "procedure " : "function ") + f.name + "(" + f.identity_arguments + ")";
        };
        auto same_key = [](const FunctionSpec& a, const FunctionSpec& b) {
            return a.name == b.name && a.kind == b.kind &&
                   normalize_sql(a.identity_arguments) == normalize_sql(b.identity_arguments);
        };
        for (const auto& f : schema_.functions) {
            auto live = std::find_if(live_.functions.begin(), live_.functions.end(),
                                     [&](const FunctionSpec& l) { return same_key(f, l); });
            const std::string object = label(f);
            if (live == live_.functions.end()) {
                add(DriftKind::Missing, object, "no such " + std::string(f.kind == 'p' ? "procedure" : "function"));
                continue;
            }
            auto differs = [&](const char* what, const std::string& expected, const std::string& actual) {
                add(DriftKind::Different, object, std::string(what) + " differs", expected, actual);
            };
            if (normalize_sql(f.arguments) != normalize_sql(live->arguments))
                differs("arguments", f.arguments, live->arguments);
            if (normalize_sql(f.result) != normalize_sql(live->result)) differs("result", f.result, live->result);
            if (f.language != live->language) differs("language", f.language, live->language);
            auto volatility = [](char v) {
                return std::string(v == 'i' ? "immutable" : v == 's' ? "stable" : "volatile");
            };
            if (f.volatility != live->volatility)
                differs("volatility", volatility(f.volatility), volatility(live->volatility));
            if (f.strict != live->strict)
                differs("strict", f.strict ? "true" : "false", live->strict ? "true" : "false");
            if (f.security_definer != live->security_definer)
                differs("security definer", f.security_definer ? "true" : "false",
                        live->security_definer ? "true" : "false");
            // The server stores a setting under its canonical name (TimeZone).
            auto settings = [](std::vector<std::string> items) {
                for (auto& item : items)
                    for (size_t i = 0; i < item.size() && item[i] != '='; ++i)
                        item[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(item[i])));
                return items;
            };
            if (settings(f.settings) != settings(live->settings))
                differs("settings", join(f.settings), join(live->settings));
            // Whitespace around a body means nothing (`$$\nbegin ... end;\n$$`).
            if (trim_space(f.body) != trim_space(live->body)) add(DriftKind::Different, object, "body differs");
        }
        for (const auto& l : live_.functions) {
            const bool expected = std::any_of(schema_.functions.begin(), schema_.functions.end(),
                                              [&](const FunctionSpec& f) { return same_key(f, l); });
            if (!expected)
                unexpected(l.kind == 'p' ? "procedure" : "function", l.name + "(" + l.identity_arguments + ")",
                           "not in the schema");
        }
    }

    // Declared comments, and comments on the schema's own objects that it
    // does not declare (an object the schema lacks is reported as itself).
    void check_comments() {
        std::map<std::string, std::string> expected;
        for (const auto& c : schema_.comments) expected[c.object] = c.text;
        auto quoted = [](const std::string& text) { return "'" + text + "'"; };
        for (const auto& [object, text] : expected) {
            auto live = live_.comments.find(object);
            if (live == live_.comments.end())
                add(DriftKind::Different, "comment on " + object, "comment differs", quoted(text), "(none)");
            else if (live->second != text)
                add(DriftKind::Different, "comment on " + object, "comment differs", quoted(text),
                    quoted(live->second));
        }
        for (const auto& [object, text] : live_.comments)
            if (!expected.count(object) && is_schema_object(object))
                add(DriftKind::Different, "comment on " + object, "comment differs", "(none)", quoted(text));
    }

    // Reference data: rows the table lacks or holds with other values. A
    // table the schema has and the database lacks is reported as itself.
    void check_data() {
        for (const auto& d : schema_.data) {
            if (!live_.relations.count(d.table)) continue;
            try {
                pqxx::read_transaction tx(conn_);
                for (const auto& row : tx.exec(d.check))
                    add(DriftKind::Different, "table " + d.table,
                        std::string("reference row missing or different: ") + row[0].c_str());
            } catch (const pqxx::sql_error& e) {
                // A column the data names is missing or of another type: reported as such already.
                add(DriftKind::Different, "table " + d.table,
                    "reference rows cannot be read: " + detail::pqxx_bridge::trimmed(e.what()));
            }
        }
    }

    // Whether `object`, named as CommentSpec names it, is one the schema declares.
    bool is_schema_object(const std::string& object) const {
        const bool materialized = object.rfind("materialized view ", 0) == 0;
        const auto space = object.find(' ', materialized ? std::string("materialized ").size() : 0);
        const std::string kind = materialized ? "view" : object.substr(0, space), rest = object.substr(space + 1);
        auto relation = [&](const std::string& name) {
            return is_expected_table(name) ||
                   std::any_of(schema_.views.begin(), schema_.views.end(),
                               [&](const ViewSpec& v) { return v.name == name; }) ||
                   std::any_of(schema_.aggregates.begin(), schema_.aggregates.end(),
                               [&](const AggregateSpec& a) { return a.name == name; });
        };
        if (kind == "table" || kind == "view") return relation(rest);
        if (kind == "column") return relation(rest.substr(0, rest.find('.')));
        if (kind == "constraint" || kind == "trigger") return is_expected_table(rest.substr(rest.rfind(" on ") + 4));
        auto has_index = [&](const std::vector<IndexSpec>& indexes) {
            return std::any_of(indexes.begin(), indexes.end(), [&](const IndexSpec& i) { return i.name == rest; });
        };
        if (kind == "index")  // of a table or a materialized view
            return std::any_of(schema_.tables.begin(), schema_.tables.end(),
                               [&](const TableSpec& t) { return has_index(t.indexes); }) ||
                   std::any_of(schema_.views.begin(), schema_.views.end(),
                               [&](const ViewSpec& v) { return has_index(v.indexes); });
        if (kind == "type")
            return std::any_of(schema_.enums.begin(), schema_.enums.end(),
                               [&](const EnumSpec& e) { return e.name == rest; }) ||
                   std::any_of(schema_.domains.begin(), schema_.domains.end(),
                               [&](const DomainSpec& d) { return d.name == rest; });
        if (kind == "schema") return rest != "public";  // public keeps PostgreSQL's own comment
        if (kind == "sequence")
            return std::any_of(schema_.sequences.begin(), schema_.sequences.end(),
                               [&](const SequenceSpec& s) { return s.name == rest; });
        if (kind == "function" || kind == "procedure")
            return std::any_of(schema_.functions.begin(), schema_.functions.end(), [&](const FunctionSpec& f) {
                return f.name + "(" + f.identity_arguments + ")" == rest;
            });
        return false;
    }

    void check_triggers() {
        for (const auto& t : schema_.triggers) {
            const std::string object = "trigger " + t.name + " on " + t.table;
            auto live = std::find_if(live_.triggers.begin(), live_.triggers.end(),
                                     [&](const LiveTrigger& l) { return l.table == t.table && l.name == t.name; });
            if (live == live_.triggers.end())
                add(DriftKind::Missing, object, "no such trigger");
            else if (normalize_sql(t.definition) != normalize_sql(live->definition))
                add(DriftKind::Different, object, "definition differs", t.definition, live->definition);
        }
        for (const auto& l : live_.triggers) {
            const bool expected =
                std::any_of(schema_.triggers.begin(), schema_.triggers.end(),
                            [&](const TriggerSpec& t) { return t.table == l.table && t.name == l.name; });
            // TimescaleDB's own: the invalidation trigger of an aggregate's source.
            if (!expected && l.name.rfind("ts_", 0) != 0)
                unexpected("trigger", l.name + " on " + l.table, "not in the schema");
        }
    }

    static std::string relkind_name(char kind) {
        switch (kind) {
            case 'v':
                return "view";
            case 'm':
                return "materialized view";
            case 'f':
                return "foreign table";
            default:
                return "table";
        }
    }

    // The declared columns are what the generated row type reads: a missing
    // one or another type breaks it; an extra one does not (rows are read by
    // name), so it is only unexpected. Nullability and defaults are not in a
    // view's catalog entry.
    void check_view_columns(const ViewSpec& v, const LiveRelation& live) {
        if (v.columns.empty()) return;
        compare_columns(v.name, v.columns, live,
                        {"the view does not yield this declared column", "the view yields another type than declared",
                         "not declared in the view's columns"},
                        [](const ColumnSpec&, const LiveColumn&, const std::string&) {});
    }

    struct ColumnWords {
        const char* missing;
        const char* other_type;
        const char* undeclared;
    };

    // Pairs the expected columns of a table or view with the live ones by
    // name: a missing one and another type are drift, a live column not
    // expected is unexpected; more(expected, live, object) checks the rest.
    template <class More>
    void compare_columns(const std::string& relation, const std::vector<ColumnSpec>& columns, const LiveRelation& live,
                         const ColumnWords& words, More&& more) {
        std::set<std::string> expected;
        for (const auto& c : columns) {
            expected.insert(c.name);
            const std::string object = "column " + relation + "." + c.name;
            auto l = std::find_if(live.columns.begin(), live.columns.end(),
                                  [&](const LiveColumn& x) { return x.name == c.name; });
            if (l == live.columns.end()) {
                add(DriftKind::Missing, object, words.missing, c.type);
                continue;
            }
            if (l->type != c.type) add(DriftKind::Different, object, words.other_type, c.type, l->type);
            more(c, *l, object);
        }
        for (const auto& l : live.columns)
            if (!expected.count(l.name)) unexpected("column", relation + "." + l.name, words.undeclared);
    }

    void check_table(const TableSpec& t) {
        auto found = live_.relations.find(t.name);
        if (found == live_.relations.end() || (found->second.kind != 'r' && found->second.kind != 'p')) {
            add(DriftKind::Missing, "table " + t.name, "no such table");
            return;
        }
        const LiveRelation& live = found->second;
        if (live.unlogged != t.unlogged)
            add(DriftKind::Different, "table " + t.name, "persistence differs", t.unlogged ? "UNLOGGED" : "logged",
                live.unlogged ? "UNLOGGED" : "logged");
        std::vector<std::string> storage = live.storage;  // the expected schema's are sorted
        std::sort(storage.begin(), storage.end());
        if (storage != t.storage)
            add(DriftKind::Different, "table " + t.name, "storage parameters differ", join(t.storage), join(storage));
        check_columns(t, live);
        check_constraints(t, live);
        check_indexes(t, live);
    }

    void check_columns(const TableSpec& t, const LiveRelation& live) {
        compare_columns(t.name, t.columns, live, {"no such column", "type differs", "not in the schema"},
                        [this](const ColumnSpec& c, const LiveColumn& l, const std::string& object) {
                            check_nullability_and_default(c, l, object);
                        });
    }

    void check_nullability_and_default(const ColumnSpec& c, const LiveColumn& l, const std::string& object) {
        if (l.not_null != c.not_null)
            add(DriftKind::Different, object, "nullability differs", c.not_null ? "NOT NULL" : "NULL",
                l.not_null ? "NOT NULL" : "NULL");
        if (normalize_sql(l.default_sql) != normalize_sql(c.default_sql)) {
            if (!c.default_sql.empty() && !l.default_sql.empty() && is_constant_sql(c.default_sql) &&
                is_constant_sql(l.default_sql))
                constant_defaults_.push_back({report_.problems.size(), l.type});
            add(DriftKind::Different, object, "default differs", or_none(c.default_sql), or_none(l.default_sql));
        }
        if (l.collation != c.collation)
            add(DriftKind::Different, object, "collation differs", or_none(c.collation), or_none(l.collation));
        if (l.identity != c.identity)
            add(DriftKind::Different, object, "identity differs", identity_name(c.identity), identity_name(l.identity));
        if (normalize_sql(l.generated) != normalize_sql(c.generated))
            add(DriftKind::Different, object, "generation expression differs", or_none(c.generated),
                or_none(l.generated));
    }

    static std::string or_none(const std::string& s) { return s.empty() ? "(none)" : s; }

    static std::string identity_name(char identity) {
        return identity == 'a'   ? "GENERATED ALWAYS AS IDENTITY"
               : identity == 'd' ? "GENERATED BY DEFAULT AS IDENTITY"
                                 : "(none)";
    }

    static const char* constraint_kind_name(char kind) {
        switch (kind) {
            case 'p':
                return "primary key";
            case 'u':
                return "unique constraint";
            case 'f':
                return "foreign key";
            case 'c':
                return "check constraint";
            case 'x':
                return "exclusion constraint";
            default:
                return "constraint";
        }
    }

    void check_constraints(const TableSpec& t, const LiveRelation& live) {
        std::set<std::string> expected;
        for (const auto& c : t.constraints) {
            expected.insert(c.name);
            const std::string object = std::string(constraint_kind_name(c.kind)) + " " + c.name + " on " + t.name;
            auto l = std::find_if(live.constraints.begin(), live.constraints.end(),
                                  [&](const ConstraintSpec& x) { return x.name == c.name; });
            if (l == live.constraints.end())
                add(DriftKind::Missing, object, "no such constraint", c.definition);
            else if (l->kind != c.kind || normalize_sql(l->definition) != normalize_sql(c.definition))
                add(DriftKind::Different, object, "definition differs", c.definition, l->definition);
        }
        for (const auto& l : live.constraints)
            if (!expected.count(l.name))
                unexpected(constraint_kind_name(l.kind), l.name,
                           "on " + t.name + ", not in the schema: " + l.definition);
    }

    // TimescaleDB's own index on the time column (and on space, time).
    bool is_default_time_index(const std::string& table, const std::string& index) const {
        for (const auto& h : schema_.hypertables) {
            if (h.table != table || !h.default_indexes) continue;
            if (index == table + "_" + h.time_column + "_idx") return true;
            for (const auto& d : h.dimensions)
                if (d.partitions > 0 && index == table + "_" + d.column + "_" + h.time_column + "_idx") return true;
        }
        return false;
    }

    void check_indexes(const TableSpec& t, const LiveRelation& live) {
        std::set<std::string> expected;
        for (const auto& i : t.indexes) {
            expected.insert(i.name);
            auto l = std::find_if(live.indexes.begin(), live.indexes.end(),
                                  [&](const IndexSpec& x) { return x.name == i.name; });
            if (l == live.indexes.end())
                add(DriftKind::Missing, "index " + i.name, "no such index", i.definition);
            else if (normalize_sql(l->definition) != normalize_sql(i.definition))
                add(DriftKind::Different, "index " + i.name, "definition differs", i.definition, l->definition);
        }
        for (const auto& l : live.indexes)
            if (!expected.count(l.name) && !is_default_time_index(t.name, l.name))
                unexpected("index", l.name, "on " + t.name + ", not in the schema: " + l.definition);
    }

    void check_hypertables() {
        std::set<std::string> expected;
        for (const auto& h : schema_.hypertables) {
            expected.insert(h.table);
            const std::string object = "hypertable " + h.table;
            auto l = live_.hypertables.find(h.table);
            if (l == live_.hypertables.end()) {
                if (live_.relations.count(h.table))
                    add(DriftKind::Different, object, "is a plain table, not a hypertable", "hypertable", "table");
                continue;
            }
            const LiveHypertable& live = l->second;
            if (live.time_column != h.time_column)
                add(DriftKind::Different, object, "time column differs", h.time_column, live.time_column);
            // A length as TimescaleDB stores it (months as 30 days); nullopt expected: not compared.
            auto length = [&](const char* what, const std::optional<IntervalSpec>& expected,
                              const std::optional<IntervalSpec>& actual) {
                if (expected && (!actual || interval_micros(*actual) != interval_micros(*expected) ||
                                 actual->integer_units != expected->integer_units))
                    add(DriftKind::Different, object, std::string(what) + " differs", interval_text(*expected),
                        optional_interval_text(actual));
            };
            length("chunk interval", h.chunk_interval, live.chunk_interval);
            length("compression chunk interval", h.compress_chunk_interval, live.compress_chunk_interval);
            if (live.integer_now != h.integer_now)
                add(DriftKind::Different, object, "integer_now function differs", or_none(h.integer_now),
                    or_none(live.integer_now));
            if (live.chunk_skipping != h.chunk_skipping)
                add(DriftKind::Different, object, "chunk skipping differs", or_none(join(h.chunk_skipping)),
                    or_none(join(live.chunk_skipping)));
            if (!same_dimensions(live.dimensions, h.dimensions))
                add(DriftKind::Different, object, "dimensions differ", dimensions_text(h.dimensions),
                    dimensions_text(live.dimensions));
        }
        for (const auto& [name, h] : live_.hypertables)
            if (!expected.count(name) && live_.relations.count(name) && is_expected_table(name))
                add(DriftKind::Different, "hypertable " + name, "is a hypertable, the schema has a plain table",
                    "table", "hypertable");
    }

    bool is_expected_table(const std::string& name) const {
        return std::any_of(schema_.tables.begin(), schema_.tables.end(),
                           [&](const TableSpec& t) { return t.name == name; });
    }

    // By column: a dimension added later in the YAML's order is still the same one.
    static bool same_dimensions(std::vector<DimensionSpec> live, std::vector<DimensionSpec> expected) {
        auto by_column = [](const DimensionSpec& a, const DimensionSpec& b) { return a.column < b.column; };
        std::sort(live.begin(), live.end(), by_column);
        std::sort(expected.begin(), expected.end(), by_column);
        return std::equal(live.begin(), live.end(), expected.begin(), expected.end(),
                          [](const DimensionSpec& l, const DimensionSpec& e) {
                              return l.column == e.column && l.partitions == e.partitions &&
                                     l.interval.has_value() == e.interval.has_value() &&
                                     (!l.interval || (interval_micros(*l.interval) == interval_micros(*e.interval) &&
                                                      l.interval->integer_units == e.interval->integer_units));
                          });
    }

    static std::string dimensions_text(const std::vector<DimensionSpec>& dimensions) {
        std::vector<std::string> parts;
        for (const auto& d : dimensions)
            parts.push_back(d.column + (d.partitions > 0 ? " in " + std::to_string(d.partitions) + " partitions"
                                                         : " in ranges of " + interval_text(*d.interval)));
        return or_none(join(parts));
    }

    void check_aggregates() {
        std::set<std::string> expected;
        for (const auto& a : schema_.aggregates) {
            expected.insert(a.name);
            const std::string object = "continuous aggregate " + a.name;
            auto l = live_.aggregates.find(a.name);
            if (l == live_.aggregates.end()) {
                add(DriftKind::Missing, object,
                    live_.relations.count(a.name) ? "exists, but not as a continuous aggregate"
                                                  : "no such continuous aggregate");
                continue;
            }
            const LiveAggregate& live = l->second;
            if (live.source != a.source) add(DriftKind::Different, object, "source differs", a.source, live.source);
            if (live.bucket != a.bucket)
                add(DriftKind::Different, object, "bucket width differs", interval_text(a.bucket),
                    optional_interval_text(live.bucket));
            if (a.chunk_interval &&
                (!live.chunk_interval || interval_micros(*live.chunk_interval) != interval_micros(*a.chunk_interval)))
                add(DriftKind::Different, object, "chunk interval differs", interval_text(*a.chunk_interval),
                    optional_interval_text(live.chunk_interval));
            if (live.timezone != a.timezone)
                add(DriftKind::Different, object, "bucket time zone differs", or_none(a.timezone),
                    or_none(live.timezone));
            if (live.offset != a.offset)
                add(DriftKind::Different, object, "bucket offset differs", optional_interval_text(a.offset),
                    optional_interval_text(live.offset));
            if (live.materialized_only != a.materialized_only)
                add(DriftKind::Different, object, "materialized_only differs", a.materialized_only ? "true" : "false",
                    live.materialized_only ? "true" : "false");
            std::vector<std::string> columns;
            if (auto rel = live_.relations.find(a.name); rel != live_.relations.end())
                for (const auto& c : rel->second.columns) columns.push_back(c.name);
            if (columns != a.columns)
                add(DriftKind::Different, object, "columns differ", join(a.columns), join(columns));
        }
        for (const auto& [name, agg] : live_.aggregates)
            if (!expected.count(name)) unexpected("continuous aggregate", name, "not in the schema");
    }

    bool compression_enabled(const std::string& relation) const {
        if (auto h = live_.hypertables.find(relation); h != live_.hypertables.end())
            return h->second.compression_enabled;
        if (auto a = live_.aggregates.find(relation); a != live_.aggregates.end()) return a->second.compression_enabled;
        return false;
    }

    std::vector<std::string> live_list(const std::map<std::string, std::vector<std::string>>& lists,
                                       const std::string& relation) const {
        auto it = lists.find(relation);
        return it == lists.end() ? std::vector<std::string>{} : it->second;
    }

    void check_compression() {
        std::set<std::string> expected;
        for (const auto& c : schema_.compression) {
            expected.insert(c.relation);
            const std::string object = "compression of " + c.relation;
            if (!live_.hypertables.count(c.relation) && !live_.aggregates.count(c.relation)) continue;
            if (!compression_enabled(c.relation)) {
                add(DriftKind::Missing, object, "compression is not enabled");
                continue;
            }
            // Empty lists leave the choice to TimescaleDB: not compared.
            const auto segment_by = live_list(live_.segment_by, c.relation);
            if (!c.segment_by.empty() && segment_by != c.segment_by)
                add(DriftKind::Different, object, "segment_by differs", join(c.segment_by), join(segment_by));
            const auto order_by = live_list(live_.order_by, c.relation);
            if (!c.order_by.empty() && order_by != c.order_by)
                add(DriftKind::Different, object, "order_by differs", join(c.order_by), join(order_by));
        }
        auto report_enabled = [&](const std::string& name) {
            if (!expected.count(name) && compression_enabled(name))
                add(DriftKind::Different, "compression of " + name, "compression is enabled, the schema has none",
                    "disabled", "enabled");
        };
        for (const auto& h : schema_.hypertables) report_enabled(h.table);
        for (const auto& a : schema_.aggregates) report_enabled(a.name);
    }

    static std::string policy_name(const std::string& proc) {
        if (const PolicyKindTraits* kind = policy_traits_of_proc(proc)) return std::string(kind->name);
        return "job " + proc;
    }

    // The settings the schema declares (the others are the kind's defaults).
    // The settings every job has, policy or user-defined, where declared.
    template <class Spec>
    void check_common_job_settings(const std::string& object, const Spec& p, const LiveJob& j) {
        if (p.schedule && j.schedule != p.schedule)
            add(DriftKind::Different, object, "schedule_interval differs", interval_text(*p.schedule),
                optional_interval_text(j.schedule));
        if (p.max_runtime && j.max_runtime != p.max_runtime)
            add(DriftKind::Different, object, "max_runtime differs", interval_text(*p.max_runtime),
                optional_interval_text(j.max_runtime));
        if (p.max_retries && j.max_retries != *p.max_retries)
            add(DriftKind::Different, object, "max_retries differs", std::to_string(*p.max_retries),
                std::to_string(j.max_retries));
        if (p.retry_period && j.retry_period != p.retry_period)
            add(DriftKind::Different, object, "retry_period differs", interval_text(*p.retry_period),
                optional_interval_text(j.retry_period));
        if (p.fixed_schedule && j.fixed_schedule != *p.fixed_schedule)
            add(DriftKind::Different, object, "fixed_schedule differs", *p.fixed_schedule ? "true" : "false",
                j.fixed_schedule ? "true" : "false");
        if (p.initial_start && j.initial_start != p.initial_start)
            add(DriftKind::Different, object, "initial_start differs",
                std::to_string(*p.initial_start) + " us since 1970",
                j.initial_start ? std::to_string(*j.initial_start) + " us since 1970" : "none");
        if (p.timezone && j.timezone != *p.timezone)
            add(DriftKind::Different, object, "timezone differs", *p.timezone,
                j.timezone.empty() ? "none" : j.timezone);
    }

    void check_job_settings(const std::string& object, const PolicySpec& p, const LiveJob& j) {
        check_common_job_settings(object, p, j);
        auto number = [](const std::optional<int>& v) { return v ? std::to_string(*v) : std::string("default"); };
        if (p.buckets_per_batch && j.buckets_per_batch != p.buckets_per_batch)
            add(DriftKind::Different, object, "buckets_per_batch differs", number(p.buckets_per_batch),
                number(j.buckets_per_batch));
        if (p.max_batches_per_execution && j.max_batches_per_execution != p.max_batches_per_execution)
            add(DriftKind::Different, object, "max_batches_per_execution differs", number(p.max_batches_per_execution),
                number(j.max_batches_per_execution));
        if (p.refresh_newest_first && j.refresh_newest_first != p.refresh_newest_first)
            add(DriftKind::Different, object, "refresh_newest_first differs",
                *p.refresh_newest_first ? "true" : "false",
                j.refresh_newest_first ? (*j.refresh_newest_first ? "true" : "false") : "default");
    }

    // A job (policy or user-defined) whose last run failed, when job health is checked.
    void report_failed_run(const std::string& object, const LiveJob& j) {
        if (!options_.job_health || j.last_run_status != "Failed") return;
        add(DriftKind::Unhealthy, object,
            "job " + std::to_string(j.id) + "'s last run failed (" + std::to_string(j.total_failures) +
                " failed runs in all)" + (j.last_error.empty() ? "" : ": " + j.last_error) +
                known_fault_hint(j.last_error, j.id));
    }

    void check_policies() {
        std::set<int> matched;
        for (const auto& p : schema_.policies) {
            const PolicyKindTraits& kind = policy_traits(p.kind);
            const std::string object = std::string(kind.name) + " on " + p.relation;
            std::vector<const LiveJob*> jobs;
            for (const auto& j : live_.jobs)
                if (j.relation == p.relation && j.proc == kind.proc) jobs.push_back(&j);
            if (jobs.empty()) {
                add(DriftKind::Missing, object, "no such job");
                continue;
            }
            if (jobs.size() > 1)
                add(DriftKind::Different, object, "more than one job", "1", std::to_string(jobs.size()));
            const LiveJob& j = *jobs.front();
            matched.insert(j.id);
            if (kind.threshold_is_interval && j.after != p.after)
                add(DriftKind::Different, object, std::string(kind.threshold) + " differs",
                    optional_interval_text(p.after), optional_interval_text(j.after));
            if (!kind.threshold_is_interval && j.index != p.index)
                add(DriftKind::Different, object, std::string(kind.threshold) + " differs", p.index, j.index);
            if (!kind.second.empty() && j.end_offset != p.end_offset)
                add(DriftKind::Different, object, std::string(kind.second) + " differs",
                    optional_interval_text(p.end_offset), optional_interval_text(j.end_offset));
            check_job_settings(object, p, j);
            if (!j.scheduled)
                add(DriftKind::Different, object, "the job is paused (scheduled = false)", "scheduled", "paused");
        }
        for (const auto& j : live_.jobs) {
            if (j.relation.empty()) continue;  // a user-defined job: check_jobs()
            if (!matched.count(j.id))
                unexpected(policy_name(j.proc), j.relation, "job " + std::to_string(j.id) + ", not in the schema");
            report_failed_run(policy_name(j.proc) + " on " + j.relation, j);
        }
    }

    // User-defined jobs by name. A job the schema declares paused is
    // expected paused; configs are compared as jsonb by the server (the
    // schema's text is compact, the server's is jsonb's own spelling).
    void check_jobs() {
        std::set<int> matched;
        for (const auto& spec : schema_.jobs) {
            const std::string object = "job " + spec.name;
            std::vector<const LiveJob*> jobs;
            for (const auto& j : live_.jobs)
                if (j.relation.empty() && j.name == spec.name) jobs.push_back(&j);
            if (jobs.empty()) {
                // add_job without job_name: TimescaleDB calls every such job
                // "User-Defined Action"; `pull` names it after its procedure.
                const auto unnamed = std::find_if(live_.jobs.begin(), live_.jobs.end(), [&](const LiveJob& j) {
                    return j.relation.empty() && j.name == "User-Defined Action" && j.proc == spec.procedure &&
                           !matched.count(j.id);
                });
                if (unnamed == live_.jobs.end()) {
                    add(DriftKind::Missing, object, "no such job");
                    continue;
                }
                matched.insert(unnamed->id);
                add(DriftKind::Different, object,
                    "job " + std::to_string(unnamed->id) + " calling " + spec.procedure +
                        " has no name of its own (User-Defined Action); name it: SELECT alter_job(" +
                        std::to_string(unnamed->id) + ", job_name => '" + spec.name + "')",
                    spec.name, "User-Defined Action");
                continue;
            }
            if (jobs.size() > 1)
                add(DriftKind::Different, object, "more than one job of this name", "1", std::to_string(jobs.size()));
            const LiveJob& j = *jobs.front();
            matched.insert(j.id);
            if (j.proc != spec.procedure)
                add(DriftKind::Different, object, "procedure differs", spec.procedure, j.proc);
            if (j.check_config != spec.check_config)
                add(DriftKind::Different, object, "check_config differs", or_none(spec.check_config),
                    or_none(j.check_config));
            if (spec.config.empty() != j.config.empty())
                add(DriftKind::Different, object, "config differs", or_none(spec.config), or_none(j.config));
            else if (spec.config != j.config)
                job_configs_.push_back({spec.config, j.config, object});
            check_common_job_settings(object, spec, j);
            if (j.scheduled != spec.scheduled)
                add(DriftKind::Different, object,
                    j.scheduled ? "the job runs, the schema has it paused" : "the job is paused (scheduled = false)",
                    spec.scheduled ? "scheduled" : "paused", j.scheduled ? "scheduled" : "paused");
        }
        for (const auto& j : live_.jobs) {
            if (!j.relation.empty()) continue;
            const std::string object = "job " + (j.name.empty() ? std::to_string(j.id) : j.name);
            if (!matched.count(j.id))
                unexpected("job", j.name.empty() ? std::to_string(j.id) : j.name,
                           "job " + std::to_string(j.id) + " calling " + j.proc + ", not in the schema");
            report_failed_run(object, j);
        }
    }

    // The configs whose text differs, compared as jsonb in one query; those
    // that differ in value are reported.
    void settle_job_configs() {
        if (job_configs_.empty()) return;
        std::string pairs = "[";
        for (size_t i = 0; i < job_configs_.size(); ++i)
            pairs += (i ? ", [" : "[") + job_configs_[i].expected + ", " + job_configs_[i].actual + "]";
        pairs += "]";
        pqxx::read_transaction tx(conn_);
        const std::string flags =
            detail::pqxx_bridge::exec(tx,
                                      "SELECT array_agg((e->0) = (e->1) ORDER BY o)::text "
                                      "FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, o)",
                                      pairs)[0][0]
                .c_str();
        size_t k = 0;
        for (char f : flags) {
            if (f != 't' && f != 'f') continue;
            const JobConfig& c = job_configs_[k++];
            if (f == 'f') add(DriftKind::Different, c.object, "config differs", c.expected, c.actual);
        }
    }

    struct JobConfig {
        std::string expected, actual, object;
    };

    // Literal defaults print differently ('15 minutes' comes back as
    // 'PT15M'::interval), so the server compares the values, in one query.
    void settle_constant_defaults() {
        if (constant_defaults_.empty()) return;
        std::string sql = "SELECT ARRAY[";
        for (size_t i = 0; i < constant_defaults_.size(); ++i) {
            const Drift& d = report_.problems[constant_defaults_[i].problem];
            const std::string& type = constant_defaults_[i].type;
            sql += std::string(i ? ", " : "") + "((" + d.expected + ")::" + type + " IS NOT DISTINCT FROM (" +
                   d.actual + ")::" + type + ")";
        }
        sql += "]::text";
        std::string flags;
        try {
            pqxx::read_transaction tx(conn_);
            flags = tx.exec(sql)[0][0].c_str();  // {t,f,...}: copied before the result goes
        } catch (const pqxx::sql_error&) {
            return;  // a value that does not even parse as the column's type: a real difference
        }
        std::vector<size_t> settled;
        for (size_t i = 0, k = 0; i < flags.size() && k < constant_defaults_.size(); ++i) {
            if (flags[i] == 't') settled.push_back(constant_defaults_[k++].problem);
            if (flags[i] == 'f') ++k;
        }
        for (auto it = settled.rbegin(); it != settled.rend(); ++it)
            report_.problems.erase(report_.problems.begin() + static_cast<std::ptrdiff_t>(*it));
    }

    // The clauses of a view definition as pg_get_viewdef() prints it, one
    // line or more each: "SELECT list" -> its text, "FROM", "WHERE", ...
    static std::vector<std::pair<std::string, std::string>> clauses_of(const std::string& definition) {
        static const char* const kClauses[] = {"SELECT",   "FROM",  "WHERE",  "GROUP BY", "HAVING", "WINDOW",
                                               "ORDER BY", "LIMIT", "OFFSET", "UNION",    "EXCEPT", "INTERSECT"};
        std::vector<std::pair<std::string, std::string>> out;
        std::istringstream lines(definition);
        std::string line;
        while (std::getline(lines, line)) {
            std::string t = trim_space(line);
            if (!t.empty() && t.back() == ';') t.pop_back();
            const char* clause = nullptr;
            for (const char* c : kClauses)
                if (t.rfind(c, 0) == 0 && (t.size() == std::strlen(c) || t[std::strlen(c)] == ' ')) clause = c;
            if (clause || out.empty())
                out.emplace_back(clause && std::string(clause) == "SELECT" ? "SELECT list" : clause ? clause : "", t);
            else
                out.back().second += " " + t;
        }
        return out;
    }

    void report_definition(const std::string& object, const std::string& expected, const std::string& actual) {
        const auto want = clauses_of(expected), have = clauses_of(actual);
        std::vector<std::string> order;
        for (const auto* side : {&want, &have})
            for (const auto& [clause, text] : *side)
                if (std::find(order.begin(), order.end(), clause) == order.end()) order.push_back(clause);
        auto text_of = [](const std::vector<std::pair<std::string, std::string>>& clauses, const std::string& name) {
            std::string out;
            for (const auto& [clause, text] : clauses)
                if (clause == name) out += (out.empty() ? "" : " ") + text;
            return out;
        };
        std::vector<std::string> parts, wanted, had;
        for (const auto& clause : order) {
            const std::string w = text_of(want, clause), h = text_of(have, clause);
            if (w == h) continue;
            parts.push_back(clause.empty() ? "text" : clause);
            wanted.push_back(w.empty() ? "no " + clause : w);
            had.push_back(h.empty() ? "no " + clause : h);
        }
        std::string where;
        for (size_t i = 0; i < parts.size(); ++i)
            where += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
        auto clauses = [](const std::vector<std::string>& texts) {
            std::string out;
            for (const auto& t : texts) out += (out.empty() ? "" : "; ") + t;
            return out;
        };
        if (where.empty()) where = "text";  // the same clauses, spaced otherwise
        add(DriftKind::Different, object, "definition differs in its " + where, clauses(wanted), clauses(had));
    }

    // VerifyOptions::definitions. An aggregate is compared by its direct
    // view (the query TimescaleDB materializes, as
    // timescaledb_information.continuous_aggregates shows it), a view by
    // pg_get_viewdef(); the expected one is built under a scratch name in a
    // savepoint of a transaction that is never committed.
    void check_definitions() {
        if (schema_.definitions.empty()) return;
        pqxx::work tx(conn_);
        tx.exec("SET LOCAL lock_timeout = '5s'");
        tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema_.namespace_name) + ", public");
        const std::string scratch = "hyperschema_verify_expected";
        for (const auto& d : schema_.definitions) {
            const bool present =
                d.aggregate ? live_.aggregates.count(d.relation) > 0
                            : live_.relations.count(d.relation) > 0 && live_.relations.at(d.relation).kind != 'r';
            if (!present || (!d.aggregate && live_.aggregates.count(d.relation))) continue;  // reported already
            const std::string object = d.aggregate
                                           ? "continuous aggregate " + d.relation
                                           : relkind_name(live_.relations.at(d.relation).kind) + " " + d.relation;
            std::string expected, actual, failure;
            {
                pqxx::subtransaction built(tx, "hyperschema_definition");
                try {
                    if (d.aggregate) {
                        built.exec("CREATE MATERIALIZED VIEW " + tx.quote_name(schema_.namespace_name) + "." + scratch +
                                   " WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS\n" +
                                   d.query + "WITH NO DATA");
                    } else {
                        built.exec("CREATE TEMP VIEW " + scratch + " AS\n" + d.query);
                    }
                    expected =
                        definition_of(built, d.aggregate, d.aggregate ? schema_.namespace_name : "pg_temp", scratch);
                    actual = definition_of(built, d.aggregate, schema_.namespace_name, d.relation);
                } catch (const pqxx::sql_error& e) {
                    failure = trim_space(std::string(e.what()).substr(0, std::string(e.what()).find('\n')));
                }
            }  // rolled back to the savepoint
            if (!failure.empty()) {
                add(DriftKind::Different, object,
                    "its definition in the schema could not be built again to compare (" + failure + ")");
            } else if (expected != actual) {
                report_definition(object, expected, actual);
            }
        }
    }

    static std::string definition_of(pqxx::transaction_base& tx, bool aggregate, const std::string& ns,
                                     const std::string& relation) {
        const pqxx::result r =
            aggregate ? pqxx_bridge::exec(tx,
                                          "SELECT view_definition FROM timescaledb_information.continuous_aggregates "
                                          "WHERE view_schema = $1 AND view_name = $2",
                                          ns, relation)
                      : pqxx_bridge::exec(tx, "SELECT pg_get_viewdef(format('%I.%I', $1::text, $2::text)::regclass)",
                                          ns, relation);
        return r.empty() || r[0][0].is_null() ? "" : r[0][0].c_str();
    }

    struct ConstantDefault {
        size_t problem;
        std::string type;
    };

    connection& conn_;
    const ExpectedSchema& schema_;
    const VerifyOptions& options_;
    LiveCatalog live_;
    VerifyReport report_;
    std::vector<ConstantDefault> constant_defaults_;
    std::vector<JobConfig> job_configs_;
};

}  // namespace detail

// Compares the live database with `schema`. Read-only: one read transaction
// for the catalog (plus one to compare literal defaults, only when their text
// differs). Throws hyperschema::error (connection_lost, sql_error, ...) when
// the catalog cannot be read.
inline VerifyReport verify(connection& conn, const ExpectedSchema& schema, const VerifyOptions& options = {}) {
    return detail::pqxx_bridge::translated("verify", [&] { return detail::Verifier(conn, schema, options).run(); });
}

inline std::string VerifyReport::text() const {
    std::string out = "schema " + schema + ": PostgreSQL " + postgres_version +
                      (timescaledb_version.empty() ? ", no TimescaleDB" : ", TimescaleDB " + timescaledb_version);
    if (database_version) out += ", migration " + std::to_string(*database_version);
    out += "\n";
    for (const auto& p : problems) {
        out += std::string(drift_kind_name(p.kind)) + ": " + p.object + ": " + p.message;
        if (!p.actual.empty())
            out += " (expected " + p.expected + ", actual " + p.actual + ")";
        else if (!p.expected.empty())
            out += " (expected " + p.expected + ")";
        out += "\n";
    }
    out += problems.empty() ? "no drift\n" : std::to_string(problems.size()) + " problem(s)\n";
    return out;
}

namespace detail {

// The differences as a JSON array: [{"kind", "object", "message", "expected", "actual"}, ...]
// (verify's report and the fleet's).
inline std::string drift_json(const std::vector<Drift>& drift) {
    std::string out = "[";
    for (size_t i = 0; i < drift.size(); ++i) {
        const Drift& d = drift[i];
        out += std::string(i ? ", " : "") + "{\"kind\": " + json_string(drift_kind_name(d.kind)) +
               ", \"object\": " + json_string(d.object) + ", \"message\": " + json_string(d.message) +
               ", \"expected\": " + json_string(d.expected) + ", \"actual\": " + json_string(d.actual) + "}";
    }
    return out + "]";
}

}  // namespace detail

inline std::string VerifyReport::json() const {
    using detail::json_string;
    std::string out = "{\"schema\": " + json_string(schema) + ", \"ok\": " + (ok() ? "true" : "false") +
                      ", \"postgres_version\": " + json_string(postgres_version) + ", \"timescaledb_version\": " +
                      (timescaledb_version.empty() ? "null" : json_string(timescaledb_version)) +
                      ", \"schema_version\": " + std::to_string(schema_version) +
                      ", \"database_version\": " + (database_version ? std::to_string(*database_version) : "null") +
                      ", \"problems\": " + detail::drift_json(problems);
    return out + "}\n";
}

}  // namespace hyperschema
