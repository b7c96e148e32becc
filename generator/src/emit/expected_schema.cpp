#include "emit/expected_schema.hpp"

#include "emit/data_statements.hpp"

#include <algorithm>
#include <limits>

#include "catalog/column_types.hpp"
#include "emit/identifiers.hpp"
#include "emit/sql_statements.hpp"
#include "hyperschema/detail/catalog_text.hpp"
#include "hyperschema/version.hpp"
#include "model/dependencies.hpp"
#include "model/relations.hpp"
#include "sqltext/lexer.hpp"
#include "sqltext/literals.hpp"

namespace hyperschema::emit {
namespace {

IntervalSpec spec_of(const Interval& i) {
    return {i.months, i.days, i.micros, i.integer_units};
}

std::optional<IntervalSpec> spec_of(const std::optional<Interval>& i) {
    return i ? std::optional<IntervalSpec>(spec_of(*i)) : std::nullopt;
}

// Past the plain '...' literal that opens at `open`, or npos when none opens
// there (E'...', $$...$$).
size_t plain_literal_end(const std::string& sql, size_t open) {
    if (open >= sql.size() || sql[open] != '\'') return std::string::npos;
    const size_t close = detail::normal_form::literal_end(sql, open);
    return close < sql.size() ? close + 1 : std::string::npos;
}

bool is_interval_field(const sqltext::Token& t) {
    static const std::vector<std::string> kFields{"year", "month", "day", "hour", "minute", "second"};
    return t.kind == sqltext::TokenKind::Identifier &&
           std::find(kFields.begin(), kFields.end(), t.text) != kFields.end();
}

// An expression as verify will read it back: verify reads the catalog in
// IntervalStyle iso_8601, where the server prints `interval '2 hours'` and
// `'2 hours'::interval` as 'PT2H'::interval. Interval literals the DSL's
// interval reader understands are written that way; the rest of the text,
// and a literal it does not read (or `interval '1' day`), stay as written.
std::string with_iso_intervals(const std::string& sql) {
    std::string lex_error;
    auto tokens = sqltext::lex(sql, &lex_error);
    if (!tokens) return sql;
    const auto& t = *tokens;
    std::string out;
    size_t copied = 0;
    for (size_t i = 0; i < t.size(); ++i) {
        if (t[i].kind != sqltext::TokenKind::String) continue;
        const bool keyword_before = i > 0 && t[i - 1].kind == sqltext::TokenKind::Identifier &&
                                    t[i - 1].text == "interval" && !(i + 1 < t.size() && is_interval_field(t[i + 1]));
        const bool cast_after = i + 2 < t.size() && t[i + 1].kind == sqltext::TokenKind::Cast &&
                                t[i + 2].kind == sqltext::TokenKind::Identifier && t[i + 2].text == "interval";
        if (!keyword_before && !cast_after) continue;
        const size_t end = plain_literal_end(sql, t[i].offset);
        std::string error;
        const auto value = Interval::parse(t[i].text, &error);
        if (end == std::string::npos || !value) continue;
        const size_t from = keyword_before ? t[i - 1].offset : t[i].offset;
        out += sql.substr(copied, from - copied) + "'" + value->iso_8601() + "'" + (keyword_before ? "::interval" : "");
        copied = end;
    }
    return out + sql.substr(copied);
}

// A key as pg_get_indexdef() and compression_settings print it: ASC and the
// NULLS placement that goes with the direction are left out. TimescaleDB's
// compression_settings name columns without quotes.
std::string catalog_key(const KeyPart& k, bool quote = true) {
    std::string out = k.is_expression() ? "(" + with_iso_intervals(k.expression) + ")"
                      : quote           ? quote_ident(k.column)
                                        : k.column;
    const bool desc = k.order == SortOrder::Desc;
    if (desc) out += " DESC";
    if (k.nulls == NullsOrder::First && !desc) out += " NULLS FIRST";
    if (k.nulls == NullsOrder::Last && desc) out += " NULLS LAST";
    return out;
}

// " ON DELETE CASCADE", or nothing for the default (pg_get_constraintdef leaves it out too).
std::string action_clause(const char* when, ReferentialAction a) {
    return a == ReferentialAction::NoAction ? "" : std::string(" ON ") + when + " " + referential_action_sql(a);
}

std::vector<ConstraintSpec> constraints_of(const Schema& schema, const Table& t) {
    std::vector<ConstraintSpec> out;
    if (t.primary_key) out.push_back({t.primary_key->name, 'p', primary_key_definition(*t.primary_key)});
    for (const auto& u : t.uniques) out.push_back({u.name, 'u', unique_definition(u)});
    for (const auto& f : t.foreign_keys) {
        out.push_back({f.name, 'f',
                       "FOREIGN KEY (" + column_list(f.columns) + ") REFERENCES " + quote_ident(f.ref_table.name) +
                           "(" + column_list(referenced_columns(schema, f)) + ")" +
                           action_clause("UPDATE", f.on_update) + action_clause("DELETE", f.on_delete)});
    }
    for (const auto& c : t.checks) out.push_back({c.name, 'c', "CHECK (" + with_iso_intervals(c.expression) + ")"});
    for (const auto& x : t.exclusions) {
        ExclusionConstraint catalog = x;
        catalog.where = with_iso_intervals(x.where);
        out.push_back({x.name, 'x', exclusion_definition(catalog, [](const KeyPart& k) { return catalog_key(k); })});
    }
    return out;
}

IndexSpec index_of(const Schema& schema, const Table& t, const Index& i) {
    std::vector<std::string> keys;
    for (const auto& k : i.keys) keys.push_back(catalog_key(k));
    std::string def = std::string("CREATE ") + (i.unique ? "UNIQUE " : "") + "INDEX " + quote_ident(i.name) + " ON " +
                      qualified(schema.namespace_, t.name) + " USING " + index_method_name(i.method) + " (" +
                      join(keys, ", ") + ")";
    if (!i.include.empty()) def += " INCLUDE (" + column_list(i.include) + ")";
    if (!i.where.empty()) def += " WHERE (" + with_iso_intervals(i.where) + ")";
    return {i.name, def};
}

// A literal default is compared by value on the server (verify.hpp); an
// expression as the server prints it.
// A serial column's sequence is named unqualified, as the server prints it
// with the schema's namespace on the search_path.
std::string expected_default(const Table& t, const Column& c) {
    if (c.serial) return "nextval('" + c.serial_sequence(t.name) + "'::regclass)";
    const std::string sql = default_expression(c);
    return c.default_value.kind == ColumnDefault::Kind::Expression ? with_iso_intervals(sql) : sql;
}

TableSpec table_of(const Schema& schema, const Table& t) {
    TableSpec out{t.name, {}, constraints_of(schema, t), {}};
    for (const auto& c : t.columns) {
        const char identity = c.identity ? (c.identity->always ? 'a' : 'd') : 0;
        // A primary key makes its columns NOT NULL, whatever their type says.
        out.columns.push_back({c.name, catalog_type_name(c.type), schema.column_not_null(c) || t.in_primary_key(c.name),
                               expected_default(t, c), identity, with_iso_intervals(c.generated), c.collation});
    }
    for (const auto& i : t.indexes) out.indexes.push_back(index_of(schema, t, i));
    out.unlogged = t.unlogged;
    for (const auto& s : t.storage) out.storage.push_back(s.name + "=" + s.value);
    std::sort(out.storage.begin(), out.storage.end());
    return out;
}

void add_compression(ExpectedSchema& out, const std::string& relation, const Compression& c) {
    CompressionSpec spec{relation, {}, {}};
    for (const auto& s : c.segment_by) spec.segment_by.push_back(s.name);
    for (const auto& k : c.order_by) spec.order_by.push_back(catalog_key(k, false));
    out.compression.push_back(std::move(spec));
}

// The instant of a timestamptz literal with a zone, in microseconds since 1970.
std::optional<std::int64_t> unix_micros(const std::optional<std::string>& literal) {
    if (!literal) return std::nullopt;
    std::string error;
    auto t = sqltext::parse_timestamp_literal(*literal, &error);
    if (!t) return std::nullopt;
    constexpr std::int64_t kPgEpochMicros = 946684800000000;  // 2000-01-01 - 1970-01-01
    return t->utc_micros() + kPgEpochMicros;
}

PolicySpec policy_spec(const std::string& relation, const Policy& p) {
    PolicySpec spec;
    spec.kind = p.kind;
    spec.relation = relation;
    switch (p.kind) {
        case PolicyKind::Refresh:
            spec.after = spec_of(p.start_offset);
            spec.end_offset = spec_of(p.end_offset);
            spec.buckets_per_batch = p.buckets_per_batch;
            spec.max_batches_per_execution = p.max_batches_per_execution;
            spec.refresh_newest_first = p.refresh_newest_first;
            break;
        case PolicyKind::Compression:
        case PolicyKind::Retention:
            spec.after = spec_of(p.after);
            break;
        case PolicyKind::Reorder:
            spec.index = p.index.name;
            break;
    }
    const JobSettings& job = p.job;
    spec.schedule = spec_of(job.schedule);
    spec.max_runtime = spec_of(job.max_runtime);
    spec.max_retries = job.max_retries;
    spec.retry_period = spec_of(job.retry_period);
    // TimescaleDB makes a schedule with an initial_start fixed.
    spec.fixed_schedule = job.fixed_schedule;
    if (!spec.fixed_schedule && job.initial_start) spec.fixed_schedule = true;
    spec.initial_start = unix_micros(job.initial_start);
    spec.timezone = job.timezone;
    return spec;
}

void add_policies(ExpectedSchema& out, const std::string& relation, const Policies& policies) {
    for (const auto& kind : kPolicyKinds)
        if (const Policy* p = policies.find(kind.kind)) out.policies.push_back(policy_spec(relation, *p));
}

JobSpec job_spec(const Job& j) {
    JobSpec spec;
    spec.name = j.name;
    spec.procedure = j.procedure.name;
    spec.config = j.config;
    spec.check_config = j.check_config.name;
    spec.scheduled = j.scheduled;
    spec.schedule = spec_of(j.job.schedule);
    spec.max_runtime = spec_of(j.job.max_runtime);
    spec.max_retries = j.job.max_retries;
    spec.retry_period = spec_of(j.job.retry_period);
    spec.fixed_schedule = j.job.fixed_schedule;
    spec.initial_start = unix_micros(j.job.initial_start);
    spec.timezone = j.job.timezone;
    return spec;
}

std::vector<std::string> chunk_skipping_columns(const Hypertable& h) {
    std::vector<std::string> out;
    for (const auto& c : h.chunk_skipping) out.push_back(c.name);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<DimensionSpec> dimension_specs(const std::vector<Dimension>& dimensions) {
    std::vector<DimensionSpec> out;
    for (const auto& d : dimensions) out.push_back({d.column.name, d.partitions, spec_of(d.interval)});
    return out;
}

void add_timescale(const Schema& schema, ExpectedSchema& out) {
    for (const auto& t : schema.tables) {
        if (!t.hypertable) continue;
        const Hypertable& h = *t.hypertable;
        const Column* time = t.find_column(h.time_column.name);
        HypertableSpec spec{
            t.name,
            h.time_column.name,
            spec_of(h.chunk_interval.value_or(time ? catalog::default_chunk_interval(time->type) : Interval{0, 7, 0})),
            dimension_specs(h.dimensions),
            h.create_default_indexes,
            h.integer_now.name,
            h.compression ? spec_of(h.compression->chunk_interval) : std::nullopt,
            chunk_skipping_columns(h)};
        out.hypertables.push_back(spec);
        if (h.compression) add_compression(out, t.name, *h.compression);
        add_policies(out, t.name, h.policies);
    }
    // Parents before the aggregates built on them: refresh_all() relies on it.
    for (const auto& derived : creation_order(schema).relations) {
        if (!derived.aggregate) continue;
        const ContinuousAggregate& a = *derived.aggregate;
        out.aggregates.push_back({a.name, a.source.name, spec_of(a.bucket), a.materialized_only,
                                  output_of(schema, a).names(), spec_of(a.chunk_interval), a.timezone.value_or(""),
                                  spec_of(a.offset)});
        out.definitions.push_back({a.name, true, aggregate_query(schema, a)});
        if (a.compression) add_compression(out, a.name, *a.compression);
        add_policies(out, a.name, a.policies);
    }
}

// A function's argument or result type as format_type() spells it (a
// pseudo-type such as `trigger` is spelled as written).
std::string catalog_routine_type(const Schema& schema, const std::string& type) {
    std::string base = type, prefix;
    if (base.rfind("setof ", 0) == 0) {
        prefix = "SETOF ";
        base = base.substr(6);
    }
    std::vector<std::string> enums;
    for (const auto& e : schema.enums) enums.push_back(e.name);
    std::string error;
    auto parsed = parse_column_type(base, enums, &error);
    return prefix + (parsed ? catalog_type_name(*parsed) : base);
}

// pg_get_function_arguments() or (identity) pg_get_function_identity_arguments(),
// which leaves out the defaults but (PostgreSQL 14 and later) keeps OUT arguments.
std::string catalog_arguments(const Schema& schema, const Function& f, bool identity) {
    std::string out;
    for (const auto& a : f.args) {
        std::string mode = a.mode.empty() && f.is_procedure() ? "IN" : a.mode;
        std::string part = mode.empty() ? "" : mode + " ";
        if (!a.name.empty()) part += quote_ident(a.name) + " ";
        part += catalog_routine_type(schema, a.type);
        if (!identity && !a.default_sql.empty()) part += " DEFAULT " + with_iso_intervals(a.default_sql);
        out += (out.empty() ? "" : ", ") + part;
    }
    return out;
}

FunctionSpec function_spec(const Schema& schema, const Function& f) {
    FunctionSpec spec;
    spec.name = f.name;
    spec.kind = f.is_procedure() ? 'p' : 'f';
    spec.identity_arguments = catalog_arguments(schema, f, true);
    spec.arguments = catalog_arguments(schema, f, false);
    spec.result = f.is_procedure() ? "" : catalog_routine_type(schema, f.returns);
    spec.language = f.language;
    spec.volatility = f.volatility == Volatility::Immutable ? 'i' : f.volatility == Volatility::Stable ? 's' : 'v';
    spec.strict = f.strict;
    spec.security_definer = f.security_definer;
    // proconfig holds each element as the server printed it: names bare, literals unquoted.
    for (const auto& [name, value] : f.settings) {
        if (name != "search_path") {
            spec.settings.push_back(name + "=" + value);
            continue;
        }
        std::string elements;
        for (auto e : setting_elements(value)) {
            if (e.size() >= 2 && e.front() == '\'' && e.back() == '\'') e = e.substr(1, e.size() - 2);
            elements += (elements.empty() ? "" : ", ") + e;
        }
        if (elements.empty()) elements = "\"\"";  // an empty search_path, as the server stores it
        spec.settings.push_back(name + "=" + elements);
    }
    spec.body = f.body;
    return spec;
}

}  // namespace

std::string catalog_type_name(const ColumnType& t) {
    if (t.base != BaseType::Enum && t.domain.empty()) return t.catalog_sql();
    // format_type() quotes an enum's or a domain's name as an identifier.
    std::string out = quote_ident(t.domain.empty() ? t.enum_name : t.domain);
    for (int i = 0; i < t.array_dims; ++i) out += "[]";
    return out;
}

// Every setting as pg_sequence holds it: PostgreSQL's defaults for the
// type and direction where the schema sets none (sequence.c, init_params).
SequenceSpec sequence_spec(const Sequence& s) {
    const SequenceOptions::Resolved o = s.options.resolved(s.type);
    const std::string owner = s.owned_by_table ? s.owned_by_table->name + "." + s.owned_by_column : "";
    return {s.name, s.type.sql(), o.start, o.increment, o.min_value, o.max_value, o.cache, s.options.cycle, owner};
}

// A routine as verify names it in grants and comments: "function f(a integer)".
std::string routine_object(const Schema& schema, const Function& f) {
    return std::string(f.is_procedure() ? "procedure " : "function ") + f.name + "(" +
           function_spec(schema, f).identity_arguments + ")";
}

void add_grants(const Schema& schema, ExpectedSchema& out) {
    for (const auto& r : schema.roles) out.roles.push_back(r.name);
    auto add = [&](const std::string& object, const std::vector<Grant>& grants) {
        for (const auto& g : grants)
            for (const auto& p : g.privileges) {
                std::string privilege = p;
                for (auto& c : privilege) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                out.grants.push_back({object, g.role, privilege});
            }
    };
    add("schema " + schema.namespace_, schema.namespace_grants);
    for (const auto& t : schema.tables) {
        add("table " + t.name, t.grants);
        for (const auto& [sequence, grants] : serial_sequence_grants(t)) add("sequence " + sequence, grants);
    }
    for (const auto& v : schema.views) add(std::string(v.kind_name()) + " " + v.name, v.grants);
    for (const auto& a : schema.aggregates) add("continuous aggregate " + a.name, a.grants);
    for (const auto& s : schema.sequences) add("sequence " + s.name, s.grants);
    for (const auto& f : schema.functions) add(routine_object(schema, f), f.grants);
}

// Every comment the schema declares, keyed as verify names the objects.
void add_comments(const Schema& schema, ExpectedSchema& out) {
    auto add = [&](const std::string& object, const std::string& text) {
        if (!text.empty()) out.comments.push_back({object, text});
    };
    add("schema " + schema.namespace_, schema.namespace_comment);
    for (const auto& e : schema.enums) add("type " + e.name, e.comment);
    for (const auto& d : schema.domains) add("type " + d.name, d.comment);
    for (const auto& s : schema.sequences) add("sequence " + s.name, s.comment);
    for (const auto& f : schema.functions) add(routine_object(schema, f), f.comment);
    for (const auto& t : schema.tables) {
        add("table " + t.name, t.comment);
        for (const auto& c : t.columns) add("column " + t.name + "." + c.name, c.comment);
        for (const auto& c : emit::table_constraints(schema, t))
            add("constraint " + c.name + " on " + t.name, c.comment);
        for (const auto& i : t.indexes) add("index " + i.name, i.comment);
        for (const auto& g : t.triggers) add("trigger " + g.name + " on " + t.name, g.comment);
    }
    for (const auto& v : schema.views) {
        add(std::string(v.kind_name()) + " " + v.name, v.comment);
        for (const auto& c : v.columns) add("column " + v.name + "." + c.name, c.comment);
        for (const auto& i : v.indexes) add("index " + i.name, i.comment);
    }
    for (const auto& a : schema.aggregates) {
        add("view " + a.name, a.comment);
        for (const auto& c : a.columns) add("column " + a.name + "." + c.name, c.comment);
    }
}

ExpectedSchema expected_schema_of(const Schema& schema, int version) {
    ExpectedSchema out;
    out.name = schema.name;
    out.namespace_name = schema.namespace_;
    out.version = version;
    out.uses_timescaledb = schema.uses_timescaledb();
    out.min_timescaledb = out.uses_timescaledb ? kMinTimescaleVersion : "";
    for (const auto& e : schema.extensions) out.extensions.push_back(e.name);
    for (const auto& e : schema.enums) {
        EnumSpec spec{e.name, {}};
        for (const auto& v : e.values) spec.labels.push_back(v.name);
        out.enums.push_back(std::move(spec));
    }
    for (const auto& d : schema.domains) {
        DomainSpec spec{d.name, catalog_type_name(d.type), d.not_null, with_iso_intervals(d.default_sql), {}};
        for (const auto& c : d.checks)
            spec.checks.push_back({c.name, 'c', "CHECK (" + with_iso_intervals(c.expression) + ")"});
        out.domains.push_back(std::move(spec));
    }
    for (const auto& s : schema.sequences) out.sequences.push_back(sequence_spec(s));
    for (const auto& t : schema.tables) out.tables.push_back(table_of(schema, t));
    for (const auto& v : schema.views) {
        ViewSpec spec{v.name, {}};
        for (const auto& c : v.columns) spec.columns.push_back({c.name, catalog_type_name(c.type), false, ""});
        spec.materialized = v.materialized;
        const Table stand_in = v.as_table();
        for (const auto& i : v.indexes) spec.indexes.push_back(index_of(schema, stand_in, i));
        out.views.push_back(std::move(spec));
        out.definitions.push_back({v.name, false, v.sql});
    }
    add_timescale(schema, out);
    for (const auto& j : schema.jobs) out.jobs.push_back(job_spec(j));
    add_comments(schema, out);
    if (out.uses_timescaledb) out.min_timescaledb = schema.min_timescaledb();
    for (const auto& f : schema.functions) out.functions.push_back(function_spec(schema, f));
    for (const auto& r : schema.raw_sql)
        for (const auto& o : r.provides) out.provided.push_back({raw_sql_kind_name(o.kind), o.name});
    add_grants(schema, out);
    for (const auto& t : schema.tables) {
        for (const auto& tr : t.triggers)
            out.triggers.push_back({t.name, tr.name, trigger_definition(schema, t, tr, false)});
    }
    for (const auto& t : schema.tables)
        if (std::string check = data_check_query(schema, t); !check.empty()) out.data.push_back({t.name, check});
    return out;
}

}  // namespace hyperschema::emit
