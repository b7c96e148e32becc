// Extensions, enums, views, continuous aggregates, and the compression and
// policies of hypertables and aggregates.

#include <algorithm>

#include "diff/object_diff.hpp"
#include "emit/identifiers.hpp"
#include "emit/sql_statements.hpp"

namespace hyperschema::diff {

using emit::qualified;
using emit::quote_ident;
using emit::quote_literal;
using emit::regclass_literal;

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

void diff_enums(const Schema& from, const Schema& to, Output& out) {
    for (const auto& e : to.enums) {
        const Enum* old = from.find_enum(e.name);
        if (!old) {
            out.add(Stage::CreateEnums, "+ enum " + e.name, emit::create_enum(to, e), Phase::Transaction, e.loc);
            continue;
        }
        // PostgreSQL can add labels (anywhere) but never remove or reorder them.
        std::vector<std::string> old_labels, new_labels;
        for (const auto& v : old->values) old_labels.push_back(v.name);
        for (const auto& v : e.values) new_labels.push_back(v.name);
        std::vector<std::string> kept;
        for (const auto& l : new_labels) {
            if (std::find(old_labels.begin(), old_labels.end(), l) != old_labels.end()) kept.push_back(l);
        }
        if (kept != old_labels) {
            rebuild_enum(from, *old, to, e, out);
            continue;
        }
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

void diff_compression(const Schema& to, const std::optional<Compression>* old, const std::string& relation,
                      bool is_aggregate, const std::optional<Compression>& now, Output& out,
                      bool chunk_interval_changed) {
    const std::optional<Compression> none;
    const std::optional<Compression>& before = old ? *old : none;
    auto settings = [&](const std::optional<Compression>& c) {
        return c ? emit::enable_compression(to, relation, is_aggregate, *c) : std::string();
    };
    auto policy = [&](const std::optional<Compression>& c) {
        return c && c->after ? emit::add_compression_policy(to, relation, *c) : std::string();
    };
    const std::string target = policy_owner(is_aggregate) + relation;
    // TimescaleDB derives a compression policy's default schedule from the
    // chunk interval when the policy is added: after a chunk-interval change the
    // policy is added again, so the database matches one created from scratch.
    const bool reschedule = chunk_interval_changed && before && before->after && now && now->after && !now->schedule;
    const bool replace = policy(before) != policy(now) || reschedule;
    if (replace && !policy(before).empty()) {
        out.add(Stage::DropPolicies, "- compression policy of " + target,
                "SELECT remove_compression_policy(" + regclass_literal(to.namespace_, relation) +
                    ", if_exists => true);\n");
    }
    if (settings(before) != settings(now)) {
        if (now) {
            out.add(Stage::Compression,
                    std::string(before ? "~" : "+") + " compression of " + target +
                        (before ? " (chunks compressed from now on use the new settings)" : ""),
                    emit::enable_compression(to, relation, is_aggregate, *now, before.has_value()), Phase::Transaction,
                    now->loc);
        } else {
            // Compression cannot be turned off while compressed chunks exist.
            std::string kind = is_aggregate ? "MATERIALIZED VIEW " : "TABLE ";
            out.add(Stage::Compression, "- compression of " + target + " (decompresses every chunk first)",
                    "SELECT decompress_chunk(c, if_compressed => true) FROM show_chunks(" +
                        regclass_literal(to.namespace_, relation) + ") c;\nALTER " + kind +
                        qualified(to.namespace_, relation) + " SET (timescaledb.compress = false);\n");
        }
    }
    if (replace && !policy(now).empty()) {
        out.add(Stage::AddPolicies, "+ compression policy of " + target + ": after " + now->after->text(), policy(now),
                Phase::Transaction, now->after_loc);
    }
}

void diff_retention(const Schema& to, const std::optional<Retention>* old, const std::string& relation,
                    bool is_aggregate, const std::optional<Retention>& now, Output& out) {
    const std::optional<Retention> none;
    const std::optional<Retention>& before = old ? *old : none;
    auto policy = [&](const std::optional<Retention>& r) {
        return r ? emit::add_retention_policy(to, relation, *r) : std::string();
    };
    if (policy(before) == policy(now)) return;
    const std::string target = policy_owner(is_aggregate) + relation;
    if (before) {
        out.add(
            Stage::DropPolicies, "- retention policy of " + target,
            "SELECT remove_retention_policy(" + regclass_literal(to.namespace_, relation) + ", if_exists => true);\n");
    }
    if (now) {
        Change& ch =
            out.add(Stage::AddPolicies, "+ retention policy of " + target + ": drop after " + now->drop_after.text(),
                    policy(now), Phase::Transaction, now->loc);
        // Only data that already exists is at risk: not on a relation created now.
        const bool existed = old != nullptr;
        if (existed && (!before || now->drop_after.approx_micros() < before->drop_after.approx_micros())) {
            ch.data_at_risk = "chunks of " + relation + " older than " + now->drop_after.text() +
                              " (the policy's next run drops them)";
        }
    }
}

}  // namespace

void diff_timescale_settings(const Schema&, const std::optional<Compression>* old_compression,
                             const std::optional<Retention>* old_retention, const Schema& to,
                             const std::string& relation, bool is_aggregate,
                             const std::optional<Compression>& compression, const std::optional<Retention>& retention,
                             Output& out, bool chunk_interval_changed) {
    diff_compression(to, old_compression, relation, is_aggregate, compression, out, chunk_interval_changed);
    diff_retention(to, old_retention, relation, is_aggregate, retention, out);
}

void drop_view(const Schema& from, const View& view, Output& out) {
    out.add(Stage::DropViews, "- view " + view.name, "DROP VIEW " + qualified(from.namespace_, view.name) + ";\n");
}

void create_view(const Schema& to, const View& view, Output& out) {
    out.add(Stage::CreateViews, "+ view " + view.name, emit::create_view(to, view), Phase::Transaction, view.loc);
}

void comment_view(const Schema& to, const View& view, Output& out) {
    out.add(Stage::CreateViews, "~ comment on view " + view.name,
            "COMMENT ON VIEW " + qualified(to.namespace_, view.name) + " IS " +
                (view.comment.empty() ? "NULL" : quote_literal(view.comment)) + ";\n");
}

std::string aggregate_definition(const Schema& schema, const ContinuousAggregate& aggregate) {
    ContinuousAggregate a = aggregate;
    a.materialized_only = true;  // changed in place with ALTER MATERIALIZED VIEW
    return emit::create_continuous_aggregate(schema, a);
}

void drop_aggregate(const Schema& from, const ContinuousAggregate& aggregate, bool to_recreate, Output& out) {
    Change& ch =
        out.add(Stage::DropAggregates,
                std::string("- continuous aggregate ") + aggregate.name + (to_recreate ? " (to recreate it)" : ""),
                "DROP MATERIALIZED VIEW " + qualified(from.namespace_, aggregate.name) + ";\n");
    ch.data_at_risk = "the materialized rows of continuous aggregate " + aggregate.name +
                      (to_recreate ? " (recomputed only where the source still has raw data)" : "");
    ch.irreversible = "the materialized rows of " + aggregate.name + " (recomputed from the source's remaining data)";
}

void create_aggregate(const Schema& to, const ContinuousAggregate& aggregate, Output& out) {
    out.add(Stage::CreateAggregates, "+ continuous aggregate " + aggregate.name,
            emit::create_continuous_aggregate(to, aggregate) + emit::aggregate_comments(to, aggregate),
            Phase::Transaction, aggregate.loc);
    if (aggregate.refresh) {
        out.add(Stage::AddPolicies, "+ refresh policy of aggregate " + aggregate.name,
                emit::add_refresh_policy(to, aggregate), Phase::Transaction, aggregate.refresh->loc);
    }
    diff_timescale_settings(to, nullptr, nullptr, to, aggregate.name, true, aggregate.compression, aggregate.retention,
                            out);
    if (aggregate.with_data) {
        out.add(Stage::AddPolicies, "+ initial refresh of aggregate " + aggregate.name,
                emit::refresh_continuous_aggregate(to, aggregate), Phase::AfterTransaction);
    }
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
    if (emit::aggregate_comments(from, old) != emit::aggregate_comments(to, aggregate)) {
        std::string sql = emit::aggregate_comments(to, aggregate);
        if (aggregate.comment.empty() && !old.comment.empty()) sql += "COMMENT ON VIEW " + name + " IS NULL;\n";
        out.add(Stage::AlterAggregates, "~ comments on aggregate " + aggregate.name, sql);
    }
    auto refresh = [&](const Schema& s, const ContinuousAggregate& a) {
        return a.refresh ? emit::add_refresh_policy(s, a) : std::string();
    };
    if (refresh(from, old) != refresh(to, aggregate)) {
        // Replace, never add beside: if_not_exists with other settings would
        // only warn and keep the old policy.
        if (old.refresh) {
            out.add(Stage::DropPolicies, "- refresh policy of aggregate " + aggregate.name,
                    "SELECT remove_continuous_aggregate_policy(" + regclass_literal(to.namespace_, aggregate.name) +
                        ", if_exists => true);\n");
        }
        if (aggregate.refresh) {
            out.add(Stage::AddPolicies, "+ refresh policy of aggregate " + aggregate.name, refresh(to, aggregate),
                    Phase::Transaction, aggregate.refresh->loc);
        }
    }
    diff_timescale_settings(from, &old.compression, &old.retention, to, aggregate.name, true, aggregate.compression,
                            aggregate.retention, out);
}

}  // namespace hyperschema::diff
