#include "emit/yaml_writer.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "emit/sql_statements.hpp"
#include "model/names.hpp"

namespace hyperschema::emit {

void write_sql_text(YAML::Emitter& out, const std::string& text) {
    const size_t first = text.find_first_not_of('\n');
    const bool indented = first != std::string::npos && (text[first] == ' ' || text[first] == '\t');
    if (indented || text.find('\r') != std::string::npos)
        out << YAML::DoubleQuoted << text;
    else
        out << YAML::Literal << text;
}

namespace {

void names(YAML::Emitter& out, const std::vector<NameRef>& refs) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const auto& r : refs) out << r.name;
    out << YAML::EndSeq;
}

void key_parts(YAML::Emitter& out, const std::vector<KeyPart>& keys) {
    out << YAML::BeginSeq;
    for (const auto& k : keys) {
        out << YAML::Flow << YAML::BeginMap;
        if (k.is_expression()) {
            out << YAML::Key << "expression" << YAML::Value << k.expression;
        } else {
            out << YAML::Key << "column" << YAML::Value << k.column;
        }
        if (k.order != SortOrder::Default)
            out << YAML::Key << "order" << YAML::Value << (k.order == SortOrder::Asc ? "asc" : "desc");
        if (k.nulls != NullsOrder::Default)
            out << YAML::Key << "nulls" << YAML::Value << (k.nulls == NullsOrder::First ? "first" : "last");
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
}

void optional_interval(YAML::Emitter& out, const char* key, const std::optional<Interval>& iv) {
    if (iv) out << YAML::Key << key << YAML::Value << iv->text();
}

// The job settings of a policy, after its own keys, in the policy's mapping.
void job_settings(YAML::Emitter& out, const JobSettings& job) {
    optional_interval(out, "schedule", job.schedule);
    if (job.initial_start) out << YAML::Key << "initial_start" << YAML::Value << *job.initial_start;
    if (job.fixed_schedule) out << YAML::Key << "fixed_schedule" << YAML::Value << *job.fixed_schedule;
    if (job.timezone) out << YAML::Key << "timezone" << YAML::Value << *job.timezone;
    optional_interval(out, "max_runtime", job.max_runtime);
    if (job.max_retries) out << YAML::Key << "max_retries" << YAML::Value << *job.max_retries;
    optional_interval(out, "retry_period", job.retry_period);
}

// The config as its JSON text, quoted: the parser reads a quoted config as JSON.
void job(YAML::Emitter& out, const Job& j) {
    out << YAML::Key << j.name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "procedure" << YAML::Value << j.procedure.name;
    if (!j.config.empty()) out << YAML::Key << "config" << YAML::Value << YAML::DoubleQuoted << j.config;
    if (!j.check_config.name.empty()) out << YAML::Key << "check_config" << YAML::Value << j.check_config.name;
    if (!j.scheduled) out << YAML::Key << "scheduled" << YAML::Value << false;
    job_settings(out, j.job);
    out << YAML::EndMap;
}

void compression(YAML::Emitter& out, const Compression& c, const Policy* policy) {
    out << YAML::Key << "compression" << YAML::Value << YAML::BeginMap;
    if (!c.segment_by.empty()) {
        out << YAML::Key << "segment_by" << YAML::Value;
        names(out, c.segment_by);
    }
    if (!c.order_by.empty()) {
        out << YAML::Key << "order_by" << YAML::Value;
        key_parts(out, c.order_by);
    }
    optional_interval(out, "chunk_interval", c.chunk_interval);
    if (policy) {
        optional_interval(out, "after", policy->after);
        job_settings(out, policy->job);
    }
    out << YAML::EndMap;
}

void offset(YAML::Emitter& out, const char* key, const std::optional<Interval>& iv) {
    out << YAML::Key << key << YAML::Value;
    if (iv)
        out << iv->text();
    else
        out << YAML::Null;
}

// A policy other than compression's, under its kind's key.
void policy(YAML::Emitter& out, const Policy& p) {
    out << YAML::Key << std::string(policy_traits(p.kind).key) << YAML::Value << YAML::BeginMap;
    switch (p.kind) {
        case PolicyKind::Refresh:
            offset(out, "start_offset", p.start_offset);
            offset(out, "end_offset", p.end_offset);
            job_settings(out, p.job);
            if (p.allow_beyond_source_retention)
                out << YAML::Key << "allow_beyond_source_retention" << YAML::Value << true;
            if (p.buckets_per_batch) out << YAML::Key << "buckets_per_batch" << YAML::Value << *p.buckets_per_batch;
            if (p.max_batches_per_execution)
                out << YAML::Key << "max_batches_per_execution" << YAML::Value << *p.max_batches_per_execution;
            if (p.refresh_newest_first)
                out << YAML::Key << "refresh_newest_first" << YAML::Value << *p.refresh_newest_first;
            break;
        case PolicyKind::Retention:
            out << YAML::Key << "drop_after" << YAML::Value << p.after->text();
            job_settings(out, p.job);
            break;
        case PolicyKind::Reorder:
            out << YAML::Key << "index" << YAML::Value << p.index.name;
            job_settings(out, p.job);
            break;
        case PolicyKind::Compression:  // written inside `compression`
            break;
    }
    out << YAML::EndMap;
}

// The relation's compression settings and policies, in the kinds' order.
void timescale_settings(YAML::Emitter& out, const std::optional<Compression>& c, const Policies& policies) {
    for (const auto& kind : kPolicyKinds) {
        if (kind.kind == PolicyKind::Compression) {
            if (c) compression(out, *c, policies.find(PolicyKind::Compression));
        } else if (const Policy* p = policies.find(kind.kind)) {
            policy(out, *p);
        }
    }
}

void comment(YAML::Emitter& out, const std::string& text) {
    if (!text.empty()) out << YAML::Key << "comment" << YAML::Value << text;
}

void grants(YAML::Emitter& out, const std::vector<Grant>& list) {
    if (list.empty()) return;
    out << YAML::Key << "grants" << YAML::Value << YAML::BeginMap;
    for (const auto& g : list) {
        out << YAML::Key << g.role << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const auto& p : g.privileges) out << p;
        out << YAML::EndSeq;
    }
    out << YAML::EndMap;
}

// A sequence's options, those set only.
void sequence_options(YAML::Emitter& out, const SequenceOptions& o) {
    auto value = [&](const char* key, const std::optional<int64_t>& v) {
        if (v) out << YAML::Key << key << YAML::Value << *v;
    };
    value("start", o.start);
    value("increment", o.increment);
    value("min", o.min_value);
    value("max", o.max_value);
    value("cache", o.cache);
    if (o.cycle) out << YAML::Key << "cycle" << YAML::Value << true;
}

void identity(YAML::Emitter& out, const Identity& i) {
    const char* kind = i.always ? "always" : "by_default";
    out << YAML::Key << "identity" << YAML::Value;
    if (i.sequence.empty()) {
        out << kind;
        return;
    }
    out << YAML::BeginMap << YAML::Key << "generated" << YAML::Value << kind;
    sequence_options(out, i.sequence);
    out << YAML::EndMap;
}

void column(YAML::Emitter& out, const Column& c) {
    out << YAML::Key << c.name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "type" << YAML::Value << (c.serial ? serial_type_sql(c.type) : c.type.sql());
    if (c.nullable) out << YAML::Key << "nullable" << YAML::Value << true;
    if (c.default_value.kind == ColumnDefault::Kind::Literal) {
        out << YAML::Key << "default" << YAML::Value << YAML::DoubleQuoted << c.default_value.text;
    } else if (c.default_value.kind == ColumnDefault::Kind::Expression) {
        out << YAML::Key << "default_sql" << YAML::Value << c.default_value.text;
    }
    if (!c.collation.empty()) out << YAML::Key << "collate" << YAML::Value << c.collation;
    if (c.identity) identity(out, *c.identity);
    if (!c.generated.empty()) out << YAML::Key << "generated" << YAML::Value << c.generated;
    comment(out, c.comment);
    out << YAML::EndMap;
}

void exclusion(YAML::Emitter& out, const ExclusionConstraint& x) {
    out << YAML::Key << x.name << YAML::Value << YAML::BeginMap;
    if (x.method != IndexMethod::Gist) out << YAML::Key << "using" << YAML::Value << index_method_name(x.method);
    out << YAML::Key << "elements" << YAML::Value << YAML::BeginSeq;
    for (const auto& e : x.elements) {
        out << YAML::Flow << YAML::BeginMap;
        if (e.key.is_expression())
            out << YAML::Key << "expression" << YAML::Value << e.key.expression;
        else
            out << YAML::Key << "column" << YAML::Value << e.key.column;
        out << YAML::Key << "with" << YAML::Value << YAML::DoubleQuoted << e.operator_ << YAML::EndMap;
    }
    out << YAML::EndSeq;
    if (!x.include.empty()) {
        out << YAML::Key << "include" << YAML::Value;
        names(out, x.include);
    }
    if (!x.where.empty()) out << YAML::Key << "where" << YAML::Value << x.where;
    comment(out, x.comment);
    out << YAML::EndMap;
}

void index(YAML::Emitter& out, const Index& i) {
    out << YAML::Key << i.name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "columns" << YAML::Value;
    key_parts(out, i.keys);
    if (i.method != IndexMethod::Btree) out << YAML::Key << "using" << YAML::Value << index_method_name(i.method);
    if (i.unique) out << YAML::Key << "unique" << YAML::Value << true;
    if (i.concurrently) out << YAML::Key << "concurrently" << YAML::Value << true;
    if (!i.include.empty()) {
        out << YAML::Key << "include" << YAML::Value;
        names(out, i.include);
    }
    if (!i.where.empty()) out << YAML::Key << "where" << YAML::Value << i.where;
    comment(out, i.comment);
    out << YAML::EndMap;
}

void dimension(YAML::Emitter& out, const Dimension& d) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "column" << YAML::Value << d.column.name;
    if (d.is_hash())
        out << YAML::Key << "partitions" << YAML::Value << d.partitions;
    else
        out << YAML::Key << "interval" << YAML::Value << d.interval->text();
    out << YAML::EndMap;
}

// One hash dimension keeps its older spelling (`partition:`), so that the
// snapshots written before `dimensions:` existed read the same.
void dimensions(YAML::Emitter& out, const std::vector<Dimension>& dimensions) {
    if (dimensions.empty()) return;
    if (dimensions.size() == 1 && dimensions.front().is_hash()) {
        out << YAML::Key << "partition" << YAML::Value;
        dimension(out, dimensions.front());
        return;
    }
    out << YAML::Key << "dimensions" << YAML::Value << YAML::BeginSeq;
    for (const auto& d : dimensions) dimension(out, d);
    out << YAML::EndSeq;
}

void hypertable(YAML::Emitter& out, const Hypertable& h) {
    out << YAML::Key << "hypertable" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "time_column" << YAML::Value << h.time_column.name;
    optional_interval(out, "chunk_interval", h.chunk_interval);
    dimensions(out, h.dimensions);
    if (!h.integer_now.name.empty()) out << YAML::Key << "integer_now" << YAML::Value << h.integer_now.name;
    if (!h.create_default_indexes) out << YAML::Key << "create_default_indexes" << YAML::Value << false;
    if (!h.chunk_skipping.empty()) {
        out << YAML::Key << "chunk_skipping" << YAML::Value;
        names(out, h.chunk_skipping);
    }
    timescale_settings(out, h.compression, h.policies);
    out << YAML::EndMap;
}

void trigger(YAML::Emitter& out, const Trigger& t);

// Rows as flow mappings, every value a quoted string (NULL as ~): the text
// reads back as the same data whatever it looks like.
void table_data(YAML::Emitter& out, const TableData& data) {
    out << YAML::Key << "data" << YAML::Value;
    if (!data.key.empty()) {
        out << YAML::BeginMap << YAML::Key << "key" << YAML::Value;
        names(out, data.key);
        out << YAML::Key << "rows" << YAML::Value;
    }
    out << YAML::BeginSeq;
    for (const auto& row : data.rows) {
        out << YAML::Flow << YAML::BeginMap;
        for (const auto& [column, value] : row.values) {
            out << YAML::Key << column << YAML::Value;
            if (value)
                out << YAML::DoubleQuoted << *value;
            else
                out << YAML::Null;
        }
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    if (!data.key.empty()) out << YAML::EndMap;
}

void table(YAML::Emitter& out, const Table& t) {
    out << YAML::Key << t.name << YAML::Value << YAML::BeginMap;
    comment(out, t.comment);
    grants(out, t.grants);
    if (t.unlogged) out << YAML::Key << "unlogged" << YAML::Value << true;
    if (!t.storage.empty()) {
        out << YAML::Key << "storage" << YAML::Value << YAML::BeginMap;
        for (const auto& s : t.storage) out << YAML::Key << s.name << YAML::Value << s.value;
        out << YAML::EndMap;
    }
    out << YAML::Key << "columns" << YAML::Value << YAML::BeginMap;
    for (const auto& c : t.columns) column(out, c);
    out << YAML::EndMap;
    if (t.primary_key) {
        out << YAML::Key << "primary_key" << YAML::Value;
        // The short form unless the key has a name of its own or includes columns.
        if (t.primary_key->name == derived_name(t.name, {}, "pkey") && t.primary_key->include.empty() &&
            t.primary_key->comment.empty()) {
            names(out, t.primary_key->columns);
        } else {
            out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << t.primary_key->name
                << YAML::Key << "columns" << YAML::Value;
            names(out, t.primary_key->columns);
            if (!t.primary_key->include.empty()) {
                out << YAML::Key << "include" << YAML::Value;
                names(out, t.primary_key->include);
            }
            comment(out, t.primary_key->comment);
            out << YAML::EndMap;
        }
    }
    if (!t.uniques.empty()) {
        out << YAML::Key << "unique" << YAML::Value << YAML::BeginSeq;
        for (const auto& u : t.uniques) {
            out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << u.name << YAML::Key
                << "columns" << YAML::Value;
            names(out, u.columns);
            if (!u.include.empty()) {
                out << YAML::Key << "include" << YAML::Value;
                names(out, u.include);
            }
            if (u.nulls_not_distinct) out << YAML::Key << "nulls_not_distinct" << YAML::Value << true;
            comment(out, u.comment);
            out << YAML::EndMap;
        }
        out << YAML::EndSeq;
    }
    if (!t.foreign_keys.empty()) {
        out << YAML::Key << "foreign_keys" << YAML::Value << YAML::BeginSeq;
        for (const auto& fk : t.foreign_keys) {
            out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << fk.name << YAML::Key << "columns"
                << YAML::Value;
            names(out, fk.columns);
            out << YAML::Key << "references" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "table"
                << YAML::Value << fk.ref_table.name;
            if (!fk.ref_columns.empty()) {
                out << YAML::Key << "columns" << YAML::Value;
                names(out, fk.ref_columns);
            }
            out << YAML::EndMap;
            if (fk.on_delete != ReferentialAction::NoAction)
                out << YAML::Key << "on_delete" << YAML::Value << referential_action_name(fk.on_delete);
            if (fk.on_update != ReferentialAction::NoAction)
                out << YAML::Key << "on_update" << YAML::Value << referential_action_name(fk.on_update);
            comment(out, fk.comment);
            out << YAML::EndMap;
        }
        out << YAML::EndSeq;
    }
    if (!t.checks.empty()) {
        out << YAML::Key << "checks" << YAML::Value << YAML::BeginMap;
        for (const auto& c : t.checks) {
            out << YAML::Key << c.name << YAML::Value;
            if (c.comment.empty()) {
                out << c.expression;
            } else {
                out << YAML::BeginMap << YAML::Key << "sql" << YAML::Value << c.expression;
                comment(out, c.comment);
                out << YAML::EndMap;
            }
        }
        out << YAML::EndMap;
    }
    if (!t.exclusions.empty()) {
        out << YAML::Key << "exclusions" << YAML::Value << YAML::BeginMap;
        for (const auto& x : t.exclusions) exclusion(out, x);
        out << YAML::EndMap;
    }
    if (!t.indexes.empty()) {
        out << YAML::Key << "indexes" << YAML::Value << YAML::BeginMap;
        for (const auto& i : t.indexes) index(out, i);
        out << YAML::EndMap;
    }
    if (t.hypertable) hypertable(out, *t.hypertable);
    if (!t.triggers.empty()) {
        out << YAML::Key << "triggers" << YAML::Value << YAML::BeginMap;
        for (const auto& tr : t.triggers) trigger(out, tr);
        out << YAML::EndMap;
    }
    if (t.data) table_data(out, *t.data);
    out << YAML::EndMap;
}

void trigger(YAML::Emitter& out, const Trigger& t) {
    out << YAML::Key << t.name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << (t.timing == TriggerTiming::Before ? "before" : "after") << YAML::Value << YAML::Flow
        << YAML::BeginSeq;
    for (const auto& e : t.events) out << e;
    out << YAML::EndSeq;
    if (!t.update_of.empty()) {
        out << YAML::Key << "update_of" << YAML::Value;
        names(out, t.update_of);
    }
    if (t.level == TriggerLevel::Statement) out << YAML::Key << "for_each" << YAML::Value << "statement";
    if (!t.when.empty()) out << YAML::Key << "when" << YAML::Value << t.when;
    out << YAML::Key << "function" << YAML::Value << t.function.name;
    if (!t.args.empty()) {
        out << YAML::Key << "args" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const auto& a : t.args) out << YAML::DoubleQuoted << a;
        out << YAML::EndSeq;
    }
    comment(out, t.comment);
    out << YAML::EndMap;
}

const char* volatility_word(Volatility v) {
    return v == Volatility::Immutable ? "immutable" : v == Volatility::Stable ? "stable" : "volatile";
}

void function(YAML::Emitter& out, const Function& f) {
    out << YAML::Key << f.name << YAML::Value << YAML::BeginMap;
    comment(out, f.comment);
    grants(out, f.grants);
    if (!f.args.empty()) {
        out << YAML::Key << "args" << YAML::Value << YAML::BeginSeq;
        for (const auto& a : f.args) {
            out << YAML::Flow << YAML::BeginMap;
            if (!a.name.empty()) out << YAML::Key << "name" << YAML::Value << a.name;
            out << YAML::Key << "type" << YAML::Value << a.type;
            if (!a.mode.empty()) {
                std::string mode;
                for (char c : a.mode) mode += static_cast<char>(c - 'A' + 'a');
                out << YAML::Key << "mode" << YAML::Value << mode;
            }
            if (!a.default_sql.empty()) out << YAML::Key << "default" << YAML::Value << a.default_sql;
            out << YAML::EndMap;
        }
        out << YAML::EndSeq;
    }
    if (!f.is_procedure()) out << YAML::Key << "returns" << YAML::Value << f.returns;
    out << YAML::Key << "language" << YAML::Value << f.language;
    if (!f.is_procedure() && f.volatility != Volatility::Volatile)
        out << YAML::Key << "volatility" << YAML::Value << volatility_word(f.volatility);
    if (f.strict) out << YAML::Key << "strict" << YAML::Value << true;
    if (f.security_definer) out << YAML::Key << "security_definer" << YAML::Value << true;
    if (!f.settings.empty()) {
        out << YAML::Key << "set" << YAML::Value << YAML::BeginMap;
        for (const auto& [name, value] : f.settings) out << YAML::Key << name << YAML::Value << value;
        out << YAML::EndMap;
    }
    out << YAML::Key << "body" << YAML::Value;
    write_sql_text(out, f.body);
    out << YAML::EndMap;
}

void functions(YAML::Emitter& out, const Schema& schema, RoutineKind kind) {
    bool any = false;
    for (const auto& f : schema.functions) {
        if (f.kind != kind) continue;
        if (!any)
            out << YAML::Key << (kind == RoutineKind::Procedure ? "procedures" : "functions") << YAML::Value
                << YAML::BeginMap;
        any = true;
        function(out, f);
    }
    if (any) out << YAML::EndMap;
}

void aggregate(YAML::Emitter& out, const ContinuousAggregate& a, const YamlStyle& style) {
    out << YAML::Key << a.name << YAML::Value << YAML::BeginMap;
    comment(out, a.comment);
    grants(out, a.grants);
    out << YAML::Key << "from" << YAML::Value << a.source.name;
    out << YAML::Key << "bucket" << YAML::Value << a.bucket.text();
    if (!style.omit_defaults || a.bucket_column != "bucket")
        out << YAML::Key << "bucket_column" << YAML::Value << a.bucket_column;
    if (a.origin) out << YAML::Key << "origin" << YAML::Value << *a.origin;
    optional_interval(out, "offset", a.offset);
    if (a.timezone) out << YAML::Key << "timezone" << YAML::Value << *a.timezone;
    if (!a.joins.empty()) {
        out << YAML::Key << "joins" << YAML::Value << YAML::BeginSeq;
        for (const auto& j : a.joins) {
            out << YAML::BeginMap << YAML::Key << "table" << YAML::Value << j.table.name;
            if (j.left) out << YAML::Key << "type" << YAML::Value << "left";
            out << YAML::Key << "on" << YAML::Value << j.on << YAML::EndMap;
        }
        out << YAML::EndSeq;
    }
    if (!a.group_by.empty()) {
        out << YAML::Key << "group_by" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const auto& g : a.group_by) {
            if (g.is_column()) {
                out << g.column_text();
                continue;
            }
            out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << g.name << YAML::Key << "expr" << YAML::Value
                << g.expression;
            if (g.type) out << YAML::Key << "type" << YAML::Value << g.type->sql();
            out << YAML::EndMap;
        }
        out << YAML::EndSeq;
    }
    out << YAML::Key << "columns" << YAML::Value << YAML::BeginMap;
    for (const auto& c : a.columns) {
        out << YAML::Key << c.name << YAML::Value << YAML::BeginMap << YAML::Key << "expr" << YAML::Value
            << c.expression;
        if (c.type) out << YAML::Key << "type" << YAML::Value << c.type->sql();
        comment(out, c.comment);
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
    if (!a.column_order.empty()) {
        out << YAML::Key << "column_order" << YAML::Value;
        names(out, a.column_order);
    }
    if (!a.where.empty()) out << YAML::Key << "where" << YAML::Value << a.where;
    if (!style.omit_defaults || !a.materialized_only)
        out << YAML::Key << "materialized_only" << YAML::Value << a.materialized_only;
    if (a.with_data) out << YAML::Key << "with_data" << YAML::Value << true;
    if (!a.create_group_indexes) out << YAML::Key << "create_group_indexes" << YAML::Value << false;
    optional_interval(out, "chunk_interval", a.chunk_interval);
    timescale_settings(out, a.compression, a.policies);
    out << YAML::EndMap;
}

void raw_sql(YAML::Emitter& out, const RawSql& r) {
    out << YAML::Key << r.name << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "up" << YAML::Value;
    write_sql_text(out, r.up);
    out << YAML::Key << "down" << YAML::Value;
    write_sql_text(out, r.down);
    if (r.when == RawSql::When::First) out << YAML::Key << "when" << YAML::Value << "first";
    if (!r.depends_on.empty()) {
        out << YAML::Key << "depends_on" << YAML::Value;
        names(out, r.depends_on);
    }
    if (!r.provides.empty()) {
        out << YAML::Key << "provides" << YAML::Value << YAML::BeginMap;
        // Grouped by kind, in the order the objects were declared.
        std::vector<std::string> kinds;
        for (const auto& o : r.provides)
            if (std::find(kinds.begin(), kinds.end(), raw_sql_kind_name(o.kind)) == kinds.end())
                kinds.push_back(raw_sql_kind_name(o.kind));
        for (const auto& kind : kinds) {
            out << YAML::Key << kind << YAML::Value << YAML::Flow << YAML::BeginSeq;
            for (const auto& o : r.provides)
                if (kind == raw_sql_kind_name(o.kind)) out << o.name;
            out << YAML::EndSeq;
        }
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

void header(YAML::Emitter& out, const Schema& schema, const YamlStyle&) {
    out << YAML::Key << "schema" << YAML::Value << YAML::BeginMap << YAML::Key << "name" << YAML::Value << schema.name
        << YAML::Key << "namespace" << YAML::Value << schema.namespace_;
    if (!schema.timescaledb.empty())
        out << YAML::Key << "timescaledb" << YAML::Value << YAML::DoubleQuoted << schema.timescaledb;
    grants(out, schema.namespace_grants);
    comment(out, schema.namespace_comment);
    out << YAML::EndMap;
    if (!schema.extensions.empty()) {
        out << YAML::Key << "extensions" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const auto& e : schema.extensions) out << e.name;
        out << YAML::EndSeq;
    }
    if (!schema.roles.empty()) {
        out << YAML::Key << "roles" << YAML::Value;
        names(out, schema.roles);
    }
}

void enums(YAML::Emitter& out, const Schema& schema, const YamlStyle&) {
    if (schema.enums.empty()) return;
    out << YAML::Key << "enums" << YAML::Value << YAML::BeginMap;
    for (const auto& e : schema.enums) {
        out << YAML::Key << e.name << YAML::Value << YAML::BeginMap << YAML::Key << "values" << YAML::Value;
        names(out, e.values);
        comment(out, e.comment);
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

void domains(YAML::Emitter& out, const Schema& schema, const YamlStyle&) {
    if (schema.domains.empty()) return;
    out << YAML::Key << "domains" << YAML::Value << YAML::BeginMap;
    for (const auto& d : schema.domains) {
        out << YAML::Key << d.name << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "type" << YAML::Value << d.type.sql();
        if (d.not_null) out << YAML::Key << "not_null" << YAML::Value << true;
        if (!d.default_sql.empty()) out << YAML::Key << "default_sql" << YAML::Value << d.default_sql;
        if (!d.checks.empty()) {
            out << YAML::Key << "checks" << YAML::Value << YAML::BeginMap;
            for (const auto& c : d.checks) out << YAML::Key << c.name << YAML::Value << c.expression;
            out << YAML::EndMap;
        }
        comment(out, d.comment);
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

void routines(YAML::Emitter& out, const Schema& schema, const YamlStyle&) {
    functions(out, schema, RoutineKind::Function);
    functions(out, schema, RoutineKind::Procedure);
}

void sequences(YAML::Emitter& out, const Schema& schema, const YamlStyle&) {
    if (schema.sequences.empty()) return;
    out << YAML::Key << "sequences" << YAML::Value << YAML::BeginMap;
    for (const auto& s : schema.sequences) {
        out << YAML::Key << s.name << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "type" << YAML::Value << s.type.sql();
        sequence_options(out, s.options);
        if (s.owned_by_table)
            out << YAML::Key << "owned_by" << YAML::Value << s.owned_by_table->name + "." + s.owned_by_column;
        comment(out, s.comment);
        grants(out, s.grants);
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

void tables(YAML::Emitter& out, const Schema& schema, const YamlStyle&) {
    if (schema.tables.empty()) return;
    out << YAML::Key << "tables" << YAML::Value << YAML::BeginMap;
    for (const auto& t : schema.tables) table(out, t);
    out << YAML::EndMap;
}

void views(YAML::Emitter& out, const Schema& schema, const YamlStyle&) {
    if (schema.views.empty()) return;
    out << YAML::Key << "views" << YAML::Value << YAML::BeginMap;
    for (const auto& v : schema.views) {
        out << YAML::Key << v.name << YAML::Value << YAML::BeginMap << YAML::Key << "sql" << YAML::Value;
        write_sql_text(out, v.sql);
        if (!v.depends_on.empty()) {
            out << YAML::Key << "depends_on" << YAML::Value;
            names(out, v.depends_on);
        }
        comment(out, v.comment);
        grants(out, v.grants);
        if (!v.columns.empty()) {
            out << YAML::Key << "columns" << YAML::Value << YAML::BeginMap;
            for (const auto& c : v.columns) {
                out << YAML::Key << c.name << YAML::Value << YAML::BeginMap << YAML::Key << "type" << YAML::Value
                    << c.type.sql();
                if (c.nullable) out << YAML::Key << "nullable" << YAML::Value << true;
                comment(out, c.comment);
                out << YAML::EndMap;
            }
            out << YAML::EndMap;
        }
        if (v.materialized) {
            out << YAML::Key << "materialized" << YAML::Value << true;
            if (!v.with_data) out << YAML::Key << "with_data" << YAML::Value << false;
            if (!v.indexes.empty()) {
                out << YAML::Key << "indexes" << YAML::Value << YAML::BeginMap;
                for (const auto& i : v.indexes) index(out, i);
                out << YAML::EndMap;
            }
        }
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

void aggregates(YAML::Emitter& out, const Schema& schema, const YamlStyle& style) {
    if (schema.aggregates.empty()) return;
    out << YAML::Key << "aggregates" << YAML::Value << YAML::BeginMap;
    for (const auto& a : schema.aggregates) aggregate(out, a, style);
    out << YAML::EndMap;
}

void jobs(YAML::Emitter& out, const Schema& schema, const YamlStyle&) {
    if (schema.jobs.empty()) return;
    out << YAML::Key << "jobs" << YAML::Value << YAML::BeginMap;
    for (const auto& j : schema.jobs) job(out, j);
    out << YAML::EndMap;
}

void backfill_check(YAML::Emitter& out, const Backfill::Check& c) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << c.name;
    for (const auto& [key, sql] : {std::pair{"empty", &c.empty}, {"source", &c.source}, {"target", &c.target}}) {
        if (sql->empty()) continue;
        out << YAML::Key << key << YAML::Value;
        write_sql_text(out, *sql);
    }
    out << YAML::EndMap;
}

void backfill(YAML::Emitter& out, const Backfill& b) {
    out << YAML::Key << b.name << YAML::Value << YAML::BeginMap;
    if (!b.comment.empty()) out << YAML::Key << "comment" << YAML::Value << b.comment;
    out << YAML::Key << "source" << YAML::Value << b.source.name;
    out << YAML::Key << "key" << YAML::Value << b.key.name;
    if (!b.unit.empty()) out << YAML::Key << "unit" << YAML::Value << b.unit;
    if (b.batch) out << YAML::Key << "batch" << YAML::Value << b.batch->text();
    out << YAML::Key << "target" << YAML::Value << b.target.name;
    out << YAML::Key << "columns" << YAML::Value;
    names(out, b.columns);
    out << YAML::Key << "select" << YAML::Value;
    write_sql_text(out, b.select + "\n");
    if (!b.expect.empty()) {
        out << YAML::Key << "expect" << YAML::Value;
        write_sql_text(out, b.expect + "\n");
    }
    if (b.on_conflict != "do_nothing") out << YAML::Key << "on_conflict" << YAML::Value << b.on_conflict;
    if (b.pause_ms) out << YAML::Key << "pause" << YAML::Value << std::to_string(b.pause_ms) + " ms";
    if (b.max_rows_per_second) out << YAML::Key << "max_rows_per_second" << YAML::Value << b.max_rows_per_second;
    if (!b.checks.empty()) {
        out << YAML::Key << "checks" << YAML::Value << YAML::BeginSeq;
        for (const auto& c : b.checks) backfill_check(out, c);
        out << YAML::EndSeq;
    }
    out << YAML::EndMap;
}

void backfills(YAML::Emitter& out, const Schema& schema, const YamlStyle&) {
    if (schema.backfills.empty()) return;
    out << YAML::Key << "backfills" << YAML::Value << YAML::BeginMap;
    for (const auto& b : schema.backfills) backfill(out, b);
    out << YAML::EndMap;
}

void raw_sql_objects(YAML::Emitter& out, const Schema& schema, const YamlStyle&) {
    if (schema.raw_sql.empty()) return;
    out << YAML::Key << "sql" << YAML::Value << YAML::BeginMap;
    for (const auto& r : schema.raw_sql) raw_sql(out, r);
    out << YAML::EndMap;
}

using Section = void (*)(YAML::Emitter&, const Schema&, const YamlStyle&);

// The files of a schema written one concern each, their sections in the
// order one file has them.
struct SectionFile {
    const char* name;
    std::vector<Section> sections;
};

const std::vector<SectionFile>& section_files() {
    static const std::vector<SectionFile> files{
        {"schema.yaml", {header, enums, domains}},
        {"functions.yaml", {routines}},
        {"sequences.yaml", {sequences}},
        {"tables.yaml", {tables}},
        {"views.yaml", {views}},
        {"aggregates.yaml", {aggregates}},
        {"jobs.yaml", {jobs}},
        {"sql.yaml", {raw_sql_objects}},
        {"backfills.yaml", {backfills}},
    };
    return files;
}

std::string write_sections(const Schema& schema, const YamlStyle& style, const std::vector<Section>& sections) {
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetBoolFormat(YAML::TrueFalseBool);
    out << YAML::BeginMap;
    for (Section section : sections) section(out, schema, style);
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

}  // namespace

std::string schema_yaml(const Schema& schema) {
    std::vector<Section> all;
    for (const auto& file : section_files()) all.insert(all.end(), file.sections.begin(), file.sections.end());
    return write_sections(schema, YamlStyle{}, all);
}

std::vector<std::string> schema_file_names() {
    std::vector<std::string> names;
    for (const auto& file : section_files()) names.push_back(file.name);
    return names;
}

std::vector<std::pair<std::string, std::string>> schema_files(const Schema& schema, const YamlStyle& style) {
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& file : section_files()) {
        std::string text = write_sections(schema, style, file.sections);
        if (text != "{}\n") files.emplace_back(file.name, std::move(text));
    }
    return files;
}

}  // namespace hyperschema::emit
