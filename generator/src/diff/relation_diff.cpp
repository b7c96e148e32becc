// Extensions, enums, views, continuous aggregates, and the compression and
// policies of hypertables and aggregates.

#include <algorithm>

#include "diff/object_diff.hpp"
#include "emit/aggregate_history.hpp"
#include "emit/identifiers.hpp"
#include "emit/sql_statements.hpp"

namespace hyperschema::diff {

using emit::qualified;
using emit::quote_ident;
using emit::quote_literal;
using emit::regclass_literal;

namespace {

bool holds_objects(const Schema& s) {
    return !s.tables.empty() || !s.views.empty() || !s.aggregates.empty() || !s.enums.empty() || !s.functions.empty() ||
           !s.raw_sql.empty();
}

}  // namespace

// The first migration creates the namespace; one going back to nothing leaves
// it (it may hold what the schema does not know of, and re-creating is
// idempotent). Moving a schema's objects to another namespace is not written.
void diff_namespace(const Schema& from, const Schema& to, Output& out) {
    if (to.namespace_ == "public") return;
    if (!holds_objects(to)) {
        // Migrations never drop the namespace; going back before its first
        // objects, it keeps no comment of theirs.
        if (holds_objects(from) && from.namespace_ == to.namespace_ && from.namespace_comment != to.namespace_comment)
            out.add(Stage::CreateNamespace, "~ comment on namespace " + to.namespace_, emit::namespace_comment(to));
        return;
    }
    if (!holds_objects(from)) {
        out.add(Stage::CreateNamespace, "+ namespace " + to.namespace_, emit::create_namespace(to));
    } else if (from.namespace_ != to.namespace_) {
        out.unsupported_change(to.namespace_loc, "the schema moves from namespace `" + from.namespace_ + "` to `" +
                                                     to.namespace_ +
                                                     "`; migrations do not move objects between namespaces: write "
                                                     "that migration by hand (ALTER ... SET SCHEMA)");
    } else if (from.namespace_comment != to.namespace_comment) {
        out.add(Stage::CreateNamespace, "~ comment on namespace " + to.namespace_, emit::namespace_comment(to));
    }
}

void diff_extensions(const Schema& from, const Schema& to, Output& out) {
    auto names = [](const Schema& s) {
        std::vector<std::string> out;
        if (s.uses_timescaledb()) out.push_back("timescaledb");
        for (const auto& e : s.extensions) {
            if (e.name != "timescaledb") out.push_back(e.name);
        }
        return out;
    };
    auto old_names = names(from), new_names = names(to);
    for (const auto& n : new_names) {
        if (std::find(old_names.begin(), old_names.end(), n) == old_names.end())
            out.add(Stage::CreateExtensions, "+ extension " + n, emit::create_extension({n, {}}));
    }
    for (const auto& o : old_names) {
        // TimescaleDB is shared by every schema of the database and is never
        // dropped by a migration (removing it is a decision for a DBA).
        if (o == "timescaledb") continue;
        if (std::find(new_names.begin(), new_names.end(), o) == new_names.end())
            out.add(Stage::DropExtensions, "- extension " + o, "DROP EXTENSION IF EXISTS " + quote_ident(o) + ";\n");
    }
}

namespace {

// PostgreSQL cannot remove or reorder enum labels, so the type is rebuilt:
// the old one renamed aside, the new one created, every column converted
// through text (a row holding a removed label makes the migration fail, which
// is the point), and the old type dropped. It runs after columns were added and
// dropped, so exactly the columns of the new state are converted.
void rebuild_enum(const Schema& from, const Enum& old, const Schema& to, const Enum& e, Output& out) {
    const std::string name = qualified(to.namespace_, e.name);
    const std::string aside = e.name + "__hyperschema_old";
    std::string removed;
    for (const auto& v : old.values) {
        bool kept = std::any_of(e.values.begin(), e.values.end(), [&](const NameRef& n) { return n.name == v.name; });
        if (!kept) removed += (removed.empty() ? "" : ", ") + v.name;
    }
    std::string sql = "ALTER TYPE " + qualified(from.namespace_, old.name) + " RENAME TO " + quote_ident(aside) +
                      ";\n" + emit::create_enum(to, e);
    std::string columns;
    for (const auto& t : to.tables) {
        for (const auto& c : t.columns) {
            if (c.type.base != BaseType::Enum || c.type.enum_name != e.name) continue;
            const std::string prefix =
                "ALTER TABLE " + qualified(to.namespace_, t.name) + " ALTER COLUMN " + quote_ident(c.name);
            const std::string type = emit::column_type_sql(to, c.type);
            std::string via = "text";
            for (int i = 0; i < c.type.array_dims; ++i) via += "[]";
            const std::string default_sql = emit::default_expression(c);
            if (!default_sql.empty()) sql += prefix + " DROP DEFAULT;\n";
            sql += prefix + " TYPE " + type + " USING " + quote_ident(c.name) + "::" + via + "::" + type + ";\n";
            if (!default_sql.empty()) sql += prefix + " SET DEFAULT " + default_sql + ";\n";
            columns += (columns.empty() ? "" : ", ") + t.name + "." + c.name;
        }
    }
    sql += "DROP TYPE " + qualified(to.namespace_, aside) + ";\n";
    Change& ch =
        out.add(Stage::RebuildEnums,
                "~ enum " + e.name + " rebuilt" + (removed.empty() ? " (labels reordered)" : " without " + removed),
                sql, Phase::Transaction, e.loc);
    if (!removed.empty() && !columns.empty()) {
        ch.data_at_risk = "rows of " + columns + " holding " + removed + " (the migration fails on them)";
    }
}

}  // namespace

bool enum_rebuilt(const Enum& old, const Enum& e) {
    std::vector<std::string> kept;
    for (const auto& v : e.values) {
        if (std::any_of(old.values.begin(), old.values.end(), [&](const NameRef& o) { return o.name == v.name; }))
            kept.push_back(v.name);
    }
    std::vector<std::string> old_labels;
    for (const auto& v : old.values) old_labels.push_back(v.name);
    return kept != old_labels;
}

void diff_enums(const Schema& from, const Schema& to, Output& out) {
    for (const auto& e : to.enums) {
        const Enum* old = from.find_enum(e.name);
        if (!old) {
            out.add(Stage::CreateEnums, "+ enum " + e.name, emit::create_enum(to, e), Phase::Transaction, e.loc);
            continue;
        }
        if (enum_rebuilt(*old, e)) {
            // A domain keeps the old type alive: DROP TYPE of it would fail.
            auto domain = std::find_if(from.domains.begin(), from.domains.end(), [&](const Domain& d) {
                return d.type.base == BaseType::Enum && d.type.enum_name == e.name;
            });
            if (domain != from.domains.end()) {
                out.unsupported_change(e.loc, "enum `" + e.name +
                                                  "` loses or reorders labels, which rebuilds the type, but domain `" +
                                                  domain->name +
                                                  "` is over it and would keep the old type alive; move the domain "
                                                  "to text in one migration, then change the enum in the next");
                continue;
            }
            rebuild_enum(from, *old, to, e, out);
            continue;
        }
        std::vector<std::string> old_labels, new_labels;
        for (const auto& v : old->values) old_labels.push_back(v.name);
        for (const auto& v : e.values) new_labels.push_back(v.name);
        for (size_t i = 0; i < new_labels.size(); ++i) {
            if (std::find(old_labels.begin(), old_labels.end(), new_labels[i]) != old_labels.end()) continue;
            std::string position = i + 1 < new_labels.size() ? " BEFORE " + quote_literal(new_labels[i + 1]) : "";
            // A label added in a transaction cannot be used until it commits,
            // so it is added before the migration's transaction.
            out.add(Stage::CreateEnums, "+ label " + new_labels[i] + " of enum " + e.name,
                    "ALTER TYPE " + qualified(to.namespace_, e.name) + " ADD VALUE IF NOT EXISTS " +
                        quote_literal(new_labels[i]) + position + ";\n",
                    Phase::BeforeTransaction, e.values[i].loc);
        }
        if (old->comment != e.comment) {
            out.add(Stage::CreateEnums, "~ comment on enum " + e.name,
                    "COMMENT ON TYPE " + qualified(to.namespace_, e.name) + " IS " +
                        (e.comment.empty() ? "NULL" : quote_literal(e.comment)) + ";\n");
        }
    }
    for (const auto& e : from.enums) {
        if (!to.find_enum(e.name))
            out.add(Stage::DropEnums, "- enum " + e.name, "DROP TYPE " + qualified(from.namespace_, e.name) + ";\n");
    }
}

namespace {

const char* policy_owner(bool is_aggregate) {
    return is_aggregate ? "aggregate " : "hypertable ";
}

void diff_compression_settings(const Schema& to, const std::string& relation, bool is_aggregate,
                               const std::optional<Compression>& before, const std::optional<Compression>& now,
                               Output& out) {
    auto settings = [&](const std::optional<Compression>& c) {
        return c ? emit::enable_compression(to, relation, is_aggregate, *c) : std::string();
    };
    if (settings(before) == settings(now)) return;
    const std::string target = policy_owner(is_aggregate) + relation;
    if (now) {
        out.add(Stage::Compression,
                std::string(before ? "~" : "+") + " compression of " + target +
                    (before ? " (chunks compressed from now on use the new settings)" : ""),
                emit::enable_compression(to, relation, is_aggregate, *now, before.has_value()), Phase::Transaction,
                now->loc);
        return;
    }
    // Compression cannot be turned off while compressed chunks exist.
    std::string kind = is_aggregate ? "MATERIALIZED VIEW " : "TABLE ";
    out.add(Stage::Compression, "- compression of " + target + " (decompresses every chunk first)",
            emit::decompress_chunks(to, relation) + "ALTER " + kind + qualified(to.namespace_, relation) +
                " SET (timescaledb.compress = false);\n");
}

// What a new policy does, for the migration's summary.
std::string policy_summary(const Policy& p) {
    switch (p.kind) {
        case PolicyKind::Refresh:
            return "";
        case PolicyKind::Compression:
            return ": after " + p.after->text();
        case PolicyKind::Retention:
            return ": drop after " + p.after->text();
        case PolicyKind::Reorder:
            return ": by index " + p.index.name;
    }
    return "";
}

// The policy as add_policy() writes it without the settings alter_job can
// change in place: when this differs, the policy is removed and added again.
std::string policy_definition(const Schema& s, const std::string& relation, const Policy& p) {
    Policy bare = p;
    JobSettings::each_alterable(bare.job, bare.job, [](auto& setting, auto&) { setting.reset(); });
    return emit::add_policy(s, relation, bare);
}

// A job setting the YAML no longer sets: only a new job has the kind's default.
bool job_setting_dropped(const JobSettings& old, const JobSettings& now) {
    bool dropped = false;
    JobSettings::each_alterable(old, now, [&](const auto& was, const auto& is) { dropped = dropped || (was && !is); });
    return dropped;
}

void diff_policy(const Schema& to, const std::string& relation, bool is_aggregate, const Policy* before,
                 const Policy* now, bool existed, bool reschedule, Output& out) {
    if (!before && !now) return;
    const std::string target = policy_owner(is_aggregate) + relation;
    const PolicyKind kind = now ? now->kind : before->kind;
    const std::string name = policy_kind_name(kind);
    const bool replace = !before || !now || reschedule ||
                         policy_definition(to, relation, *before) != policy_definition(to, relation, *now) ||
                         job_setting_dropped(before->job, now->job);
    if (!replace) {
        // Only job settings changed: alter_job() on the same job keeps its history.
        std::string sql = emit::alter_policy_job(to, relation, is_aggregate, *before, *now);
        if (!sql.empty())
            out.add(Stage::AddPolicies, "~ " + name + " of " + target + ": job settings", sql, Phase::Transaction,
                    now->loc);
        return;
    }
    // Replace, never add beside: if_not_exists with other settings would only
    // warn and keep the old policy.
    if (before) out.add(Stage::DropPolicies, "- " + name + " of " + target, emit::remove_policy(to, relation, kind));
    if (!now) return;
    Change& ch = out.add(Stage::AddPolicies, "+ " + name + " of " + target + policy_summary(*now),
                         emit::add_policy(to, relation, *now), Phase::Transaction, now->loc);
    // Only data that already exists is at risk: not on a relation created now.
    if (kind == PolicyKind::Retention && existed &&
        (!before || now->after->approx_micros() < before->after->approx_micros())) {
        ch.data_at_risk =
            "chunks of " + relation + " older than " + now->after->text() + " (the policy's next run drops them)";
    }
}

}  // namespace

void diff_timescale_settings(const Schema& to, const std::string& relation, bool is_aggregate,
                             const RelationSettings* old, const RelationSettings& now, Output& out,
                             bool chunk_interval_changed) {
    static const std::optional<Compression> kNoCompression;
    static const Policies kNoPolicies;
    const RelationSettings before = old ? *old : RelationSettings{kNoCompression, kNoPolicies};
    for (const auto& kind : kPolicyKinds) {
        const Policy* o = before.policies.find(kind.kind);
        const Policy* n = now.policies.find(kind.kind);
        // TimescaleDB derives a compression policy's default schedule from the
        // chunk interval when the policy is added: after a chunk-interval change
        // the policy is added again, so the database matches one created from scratch.
        const bool reschedule =
            kind.kind == PolicyKind::Compression && chunk_interval_changed && o && n && !n->job.schedule;
        // Compression settings change between the compression policy's
        // removal and its addition (DropPolicies < Compression < AddPolicies).
        if (kind.kind == PolicyKind::Compression)
            diff_compression_settings(to, relation, is_aggregate, before.compression, now.compression, out);
        diff_policy(to, relation, is_aggregate, o, n, old != nullptr, reschedule, out);
    }
}

void drop_view(const Schema& from, const View& view, Output& out) {
    out.add(Stage::DropViewsAndAggregates, std::string("- ") + view.kind_name() + " " + view.name,
            std::string("DROP ") + view.kind_sql() + " " + qualified(from.namespace_, view.name) + ";\n");
}

void create_view(const Schema& to, const View& view, Output& out) {
    out.add(Stage::CreateViewsAndAggregates, std::string("+ ") + view.kind_name() + " " + view.name,
            emit::create_view(to, view), Phase::Transaction, view.loc);
}

// Comments on a view's declared columns, set, changed or removed (a column
// the YAML stops declaring keeps no comment from it).
void comment_view_columns(const Schema& to, const View& old, const View& view, Output& out) {
    auto comment_of = [](const View& v, const std::string& column) {
        for (const auto& c : v.columns)
            if (c.name == column) return c.comment;
        return std::string();
    };
    std::vector<std::string> columns;
    for (const auto* v : {&old, &view})
        for (const auto& c : v->columns)
            if (std::find(columns.begin(), columns.end(), c.name) == columns.end()) columns.push_back(c.name);
    for (const auto& column : columns) {
        const std::string text = comment_of(view, column);
        if (comment_of(old, column) == text) continue;
        out.add(Stage::CreateViewsAndAggregates, "~ comment on column " + view.name + "." + column,
                emit::set_comment("COLUMN " + qualified(to.namespace_, view.name) + "." + quote_ident(column), text));
    }
}

void comment_view(const Schema& to, const View& old, const View& view, Output& out) {
    // A materialized view kept as it was keeps its indexes: only their comments change.
    for (size_t i = 0; i < view.indexes.size() && i < old.indexes.size(); ++i)
        if (old.indexes[i].comment != view.indexes[i].comment)
            out.add(Stage::CreateViewsAndAggregates, "~ comment on index " + view.indexes[i].name,
                    emit::index_comment(to, view.indexes[i], true));
    comment_view_columns(to, old, view, out);
    if (old.comment == view.comment) return;
    out.add(Stage::CreateViewsAndAggregates, std::string("~ comment on ") + view.kind_name() + " " + view.name,
            emit::set_comment(std::string(view.kind_sql()) + " " + qualified(to.namespace_, view.name), view.comment));
}

std::string view_definition(const View& view) {
    View bare = view;
    bare.comment.clear();
    bare.columns.clear();  // declared for C++ and comments only
    for (auto& i : bare.indexes) i.comment.clear();
    Schema anywhere;  // the namespace is not the view's definition
    return emit::create_view(anywhere, bare);
}

std::string aggregate_definition(const Schema& schema, const ContinuousAggregate& aggregate) {
    ContinuousAggregate a = aggregate;
    a.materialized_only = true;  // changed in place with ALTER MATERIALIZED VIEW
    return emit::create_continuous_aggregate(schema, a);
}

void drop_aggregate(const Schema& from, const ContinuousAggregate& aggregate, bool to_recreate, Output& out) {
    Change& ch =
        out.add(Stage::DropViewsAndAggregates,
                std::string("- continuous aggregate ") + aggregate.name + (to_recreate ? " (to recreate it)" : ""),
                "DROP MATERIALIZED VIEW " + qualified(from.namespace_, aggregate.name) + ";\n");
    ch.data_at_risk = "the materialized rows of continuous aggregate " + aggregate.name +
                      (to_recreate ? " (recomputed only where the source still has raw data)" : "");
    ch.irreversible = "the materialized rows of " + aggregate.name + " (recomputed from the source's remaining data)";
}

namespace {

// The aggregate WITH NO DATA, with its chunk interval, comments, compression
// and policies: what creating and rebuilding it share.
void add_aggregate(const Schema& to, const ContinuousAggregate& aggregate, const std::string& summary, Output& out) {
    out.add(Stage::CreateViewsAndAggregates, summary,
            emit::create_continuous_aggregate(to, aggregate) + emit::aggregate_chunk_interval(to, aggregate) +
                emit::aggregate_comments(to, aggregate),
            Phase::Transaction, aggregate.loc);
    diff_timescale_settings(to, aggregate.name, true, nullptr, {aggregate.compression, aggregate.policies}, out);
}

}  // namespace

void create_aggregate(const Schema& to, const ContinuousAggregate& aggregate, Output& out) {
    add_aggregate(to, aggregate, "+ continuous aggregate " + aggregate.name, out);
    if (aggregate.with_data) {
        out.add(Stage::AddPolicies, "+ initial refresh of aggregate " + aggregate.name,
                emit::refresh_continuous_aggregate(to, aggregate), Phase::AfterTransaction);
    }
}

void set_aggregate_aside(const Schema& from, const ContinuousAggregate& old, const HistoryCarry& carry, Output& out) {
    const std::string aside = emit::set_aside_name(old.name);
    Change& ch = out.add(Stage::DropViewsAndAggregates,
                         "~ continuous aggregate " + old.name + " set aside as " + aside + " (to rebuild it)",
                         emit::set_aggregate_aside(from, old));
    ch.data_at_risk = carry.lost;
    ch.irreversible = carry.lost;
    out.add(Stage::DropSetAsideAggregates,
            "- continuous aggregate " + aside + (carry.carried ? " (its buckets carried over)" : ""),
            emit::drop_aggregate_set_aside(from, old), Phase::AfterTransaction);
}

// Refreshed over everything the source has, whatever `with_data` says: the
// buckets carried over are those the refresh could not compute, and the
// refresh is what marks the older window materialized (a later refresh over
// it would otherwise recompute it from the source, without those rows).
void rebuild_aggregate(const Schema& to, const ContinuousAggregate& aggregate, const HistoryCarry& carry, Output& out) {
    add_aggregate(to, aggregate, "+ continuous aggregate " + aggregate.name + " (rebuilt)", out);
    out.add(Stage::AddPolicies, "+ refresh of rebuilt aggregate " + aggregate.name,
            emit::refresh_continuous_aggregate(to, aggregate), Phase::AfterTransaction);
    if (carry.carried)
        out.add(Stage::AddPolicies, "+ older buckets of aggregate " + aggregate.name + " carried over",
                emit::carry_aggregate_history(to, aggregate, carry.old_name, *carry.carried), Phase::AfterTransaction);
}

void add_aggregate_columns(const Schema& to, const ContinuousAggregate& aggregate,
                           const std::vector<AggregateColumn>& added, Output& out) {
    std::vector<std::string> names;
    for (const auto& c : added) names.push_back(c.name);
    // In the creation stage, parents first: what is created or rebuilt after
    // it in the same migration may read the new columns.
    out.add(Stage::CreateViewsAndAggregates,
            "~ aggregate " + aggregate.name + ": " + emit::join(names, ", ") +
                " added in place (TimescaleDB 2.28; NULL in the buckets older than the rows of " +
                aggregate.source.name + ")",
            emit::add_aggregate_columns(to, aggregate, added), Phase::Transaction, added.front().loc);
    out.add(Stage::AddPolicies, "+ refresh of aggregate " + aggregate.name + " from its source's first row",
            emit::refresh_added_aggregate_columns(to, aggregate, added), Phase::AfterTransaction);
}

void rename_aggregate(const Schema& from, const ContinuousAggregate& old, const ContinuousAggregate& aggregate,
                      Output& out) {
    out.add(Stage::Renames, "~ continuous aggregate " + old.name + " renamed to " + aggregate.name,
            "ALTER MATERIALIZED VIEW " + qualified(from.namespace_, old.name) + " RENAME TO " +
                emit::quote_ident(aggregate.name) + ";\n",
            Phase::Transaction, aggregate.renamed_from ? aggregate.renamed_from->loc : aggregate.loc);
}

void alter_aggregate(const Schema& from, const ContinuousAggregate& old, const Schema& to,
                     const ContinuousAggregate& aggregate, Output& out) {
    const std::string name = qualified(to.namespace_, aggregate.name);
    if (old.materialized_only != aggregate.materialized_only) {
        out.add(
            Stage::AlterAggregates,
            "~ aggregate " + aggregate.name + ": materialized_only " + (aggregate.materialized_only ? "true" : "false"),
            "ALTER MATERIALIZED VIEW " + name +
                " SET (timescaledb.materialized_only = " + (aggregate.materialized_only ? "true" : "false") + ");\n");
    }
    if (old.chunk_interval != aggregate.chunk_interval && aggregate.chunk_interval)
        out.add(Stage::AlterAggregates,
                "~ chunk interval of aggregate " + aggregate.name + ": " + aggregate.chunk_interval->text() +
                    " (new chunks only)",
                emit::aggregate_chunk_interval(to, aggregate), Phase::Transaction, aggregate.chunk_interval_loc);
    if (emit::aggregate_comments(from, old) != emit::aggregate_comments(to, aggregate)) {
        std::string sql = emit::aggregate_comments(to, aggregate);
        if (aggregate.comment.empty() && !old.comment.empty()) sql += "COMMENT ON VIEW " + name + " IS NULL;\n";
        for (const auto& c : aggregate.columns) {
            auto was = std::find_if(old.columns.begin(), old.columns.end(),
                                    [&](const AggregateColumn& o) { return o.name == c.name; });
            if (c.comment.empty() && was != old.columns.end() && !was->comment.empty())
                sql += "COMMENT ON COLUMN " + name + "." + emit::quote_ident(c.name) + " IS NULL;\n";
        }
        out.add(Stage::AlterAggregates, "~ comments on aggregate " + aggregate.name, sql);
    }
    const RelationSettings before{old.compression, old.policies};
    diff_timescale_settings(to, aggregate.name, true, &before, {aggregate.compression, aggregate.policies}, out);
}

}  // namespace hyperschema::diff
