#include "model/schema.hpp"

#include "catalog/column_types.hpp"
#include "hyperschema/version.hpp"

#include <algorithm>

namespace hyperschema {

template <typename T>
static const T* find_by_name(const std::vector<T>& items, const std::string& name) {
    auto it = std::find_if(items.begin(), items.end(), [&](const T& item) { return item.name == name; });
    return it == items.end() ? nullptr : &*it;
}

const Column* Table::find_column(const std::string& column) const {
    return find_by_name(columns, column);
}

namespace {

template <typename Key>
bool same_column_set(const std::vector<Key>& key, const std::vector<std::string>& columns,
                     std::string (*column_of)(const Key&)) {
    if (key.size() != columns.size()) return false;
    return std::all_of(key.begin(), key.end(), [&](const Key& k) {
        return std::find(columns.begin(), columns.end(), column_of(k)) != columns.end();
    });
}

std::string name_of(const NameRef& ref) {
    return ref.name;
}
// An expression key part has no column: it never matches.
std::string column_of(const KeyPart& part) {
    return part.is_expression() ? std::string() : part.column;
}

}  // namespace

std::vector<Table::UniqueKey> Table::unique_keys_on(const std::vector<std::string>& key) const {
    std::vector<UniqueKey> out;
    if (primary_key && same_column_set(primary_key->columns, key, name_of)) out.push_back({&*primary_key});
    for (const auto& u : uniques) {
        if (same_column_set(u.columns, key, name_of)) out.push_back({nullptr, &u});
    }
    for (const auto& index : indexes) {
        if (index.unique && index.method == IndexMethod::Btree && index.where.empty() &&
            same_column_set(index.keys, key, column_of)) {
            out.push_back({nullptr, nullptr, &index});
        }
    }
    return out;
}

Table::ReferencedKey Table::referenced_key(const std::vector<std::string>& key) const {
    const auto keys = unique_keys_on(key);
    if (keys.empty()) return {};
    return {true, keys.front().index};
}

std::vector<std::string> Table::referenced_columns(const ForeignKey& fk) const {
    std::vector<std::string> out;
    if (fk.ref_columns.empty() && primary_key) {
        for (const auto& c : primary_key->columns) out.push_back(c.name);
    }
    for (const auto& c : fk.ref_columns) out.push_back(c.name);
    return out;
}

const Table* Schema::find_table(const std::string& table) const {
    return find_by_name(tables, table);
}

const View* Schema::find_view(const std::string& view) const {
    return find_by_name(views, view);
}

const ContinuousAggregate* Schema::find_aggregate(const std::string& aggregate) const {
    return find_by_name(aggregates, aggregate);
}

std::vector<const Function*> Schema::find_functions(const std::string& name) const {
    std::vector<const Function*> out;
    for (const auto& f : functions)
        if (f.name == name) out.push_back(&f);
    return out;
}

std::string Function::identity_types() const {
    std::string out = "(";
    bool first = true;
    for (const auto& a : args) {
        if (a.mode == "OUT" && !is_procedure()) continue;  // not part of a function's identity
        out += (first ? "" : ", ") + a.type;
        first = false;
    }
    return out + ")";
}

std::vector<std::pair<std::string, std::vector<Grant>>> serial_sequence_grants(const Table& table) {
    std::vector<Grant> usage;
    for (const auto& g : table.grants)
        if (std::find(g.privileges.begin(), g.privileges.end(), "insert") != g.privileges.end())
            usage.push_back({g.role, {"usage"}, g.loc});
    std::vector<std::pair<std::string, std::vector<Grant>>> out;
    if (usage.empty()) return out;
    for (const auto& c : table.columns)
        if (c.serial) out.emplace_back(c.serial_sequence(table.name), usage);
    return out;
}

Table View::as_table() const {
    Table t;
    t.name = name;
    t.columns = columns;
    t.indexes = indexes;
    t.loc = loc;
    return t;
}

const Job* Schema::find_job(const std::string& job) const {
    return find_by_name(jobs, job);
}

const GroupKey* ContinuousAggregate::find_group_key(const std::string& output) const {
    auto it = std::find_if(group_by.begin(), group_by.end(), [&](const GroupKey& g) { return g.name == output; });
    return it == group_by.end() ? nullptr : &*it;
}

bool ContinuousAggregate::groups_by_column(const std::string& column) const {
    return std::any_of(group_by.begin(), group_by.end(),
                       [&](const GroupKey& g) { return g.is_column() && g.name == column; });
}

const std::optional<std::string>* TableData::Row::find(const std::string& column) const {
    for (const auto& [name, value] : values)
        if (name == column) return &value;
    return nullptr;
}

std::vector<std::string> Table::data_key() const {
    std::vector<std::string> out;
    if (data && !data->key.empty()) {
        for (const auto& k : data->key) out.push_back(k.name);
    } else if (primary_key) {
        for (const auto& k : primary_key->columns) out.push_back(k.name);
    }
    return out;
}

const Backfill* Schema::find_backfill(const std::string& backfill) const {
    return find_by_name(backfills, backfill);
}

const Domain* Schema::find_domain(const std::string& domain) const {
    return find_by_name(domains, domain);
}

bool Schema::column_not_null(const Column& column) const {
    if (column.nullable) return false;
    const Domain* d = column.type.domain.empty() || column.type.is_array() ? nullptr : find_domain(column.type.domain);
    return !(d && d->not_null);
}

bool Table::in_primary_key(const std::string& column) const {
    return primary_key && std::any_of(primary_key->columns.begin(), primary_key->columns.end(),
                                      [&](const NameRef& k) { return k.name == column; });
}

const Sequence* Schema::find_sequence(const std::string& sequence) const {
    return find_by_name(sequences, sequence);
}

SequenceOptions::Resolved SequenceOptions::resolved(const ColumnType& type) const {
    const catalog::IntegerRange range = catalog::integer_range(type);
    const int64_t step = increment.value_or(1);
    const int64_t min = min_value.value_or(step > 0 ? 1 : range.min);
    const int64_t max = max_value.value_or(step > 0 ? range.max : -1);
    return {start.value_or(step > 0 ? min : max), step, min, max, cache.value_or(1)};
}

ValueSource Column::value_source() const {
    if (!generated.empty()) return ValueSource::Generated;
    if (identity) return ValueSource::Identity;
    if (serial) return ValueSource::Serial;
    return ValueSource::Row;
}

// PostgreSQL's makeObjectName(table, column, "seq"): the longer of the two
// names is cut, a character at a time, until the whole fits in 63 bytes.
std::string Column::serial_sequence(const std::string& table) const {
    size_t table_chars = table.size(), column_chars = name.size();
    const size_t available = 63 - (1 + 3) - 1;  // "_seq" and the "_" between the names
    while (table_chars + column_chars > available) {
        if (table_chars > column_chars)
            --table_chars;
        else
            --column_chars;
    }
    return table.substr(0, table_chars) + "_" + name.substr(0, column_chars) + "_seq";
}

const Enum* Schema::find_enum(const std::string& enum_name) const {
    return find_by_name(enums, enum_name);
}

namespace {
// One row per kind the escape hatch can declare.
constexpr std::pair<RawSqlObject::Kind, const char*> kRawSqlKinds[] = {
    {RawSqlObject::Kind::Table, "table"},
    {RawSqlObject::Kind::View, "view"},
    {RawSqlObject::Kind::MaterializedView, "materialized_view"},
    {RawSqlObject::Kind::Sequence, "sequence"},
    {RawSqlObject::Kind::Index, "index"},
    {RawSqlObject::Kind::Function, "function"},
    {RawSqlObject::Kind::Procedure, "procedure"},
    {RawSqlObject::Kind::Type, "type"},
    {RawSqlObject::Kind::Schema, "schema"},
    {RawSqlObject::Kind::Role, "role"},
};
}  // namespace

const char* raw_sql_kind_name(RawSqlObject::Kind kind) {
    for (const auto& [k, name] : kRawSqlKinds)
        if (k == kind) return name;
    return "";
}

std::optional<RawSqlObject::Kind> raw_sql_kind(const std::string& name) {
    for (const auto& [k, word] : kRawSqlKinds)
        if (name == word) return k;
    return std::nullopt;
}

const char* index_method_name(IndexMethod method) {
    switch (method) {
        case IndexMethod::Btree:
            return "btree";
        case IndexMethod::Hash:
            return "hash";
        case IndexMethod::Gin:
            return "gin";
        case IndexMethod::Gist:
            return "gist";
        case IndexMethod::Brin:
            return "brin";
    }
    return "btree";
}

const char* referential_action_name(ReferentialAction action) {
    switch (action) {
        case ReferentialAction::NoAction:
            return "no action";
        case ReferentialAction::Restrict:
            return "restrict";
        case ReferentialAction::Cascade:
            return "cascade";
        case ReferentialAction::SetNull:
            return "set null";
        case ReferentialAction::SetDefault:
            return "set default";
    }
    return "no action";
}

const Policy* Policies::find(PolicyKind kind) const {
    for (const auto& p : items)
        if (p.kind == kind) return &p;
    return nullptr;
}

Policy* Policies::find(PolicyKind kind) {
    for (auto& p : items)
        if (p.kind == kind) return &p;
    return nullptr;
}

bool Schema::has_extension(std::string_view extension) const {
    return std::any_of(extensions.begin(), extensions.end(), [&](const Extension& e) { return e.name == extension; });
}

namespace {

// What the schema's features need, declared version aside.
const char* min_timescaledb_for_features(const Schema& schema) {
    if (!schema.jobs.empty()) return kMinTimescaleVersionForJobs;
    const bool skipping = std::any_of(schema.tables.begin(), schema.tables.end(), [](const Table& t) {
        return t.hypertable && !t.hypertable->chunk_skipping.empty();
    });
    if (skipping) return kMinTimescaleVersionForChunkSkipping;
    const bool joins = std::any_of(schema.aggregates.begin(), schema.aggregates.end(),
                                   [](const ContinuousAggregate& a) { return !a.joins.empty(); });
    return joins ? kMinTimescaleVersionForAggregateJoins : kMinTimescaleVersion;
}

}  // namespace

std::string Schema::min_timescaledb() const {
    const std::string needed = min_timescaledb_for_features(*this);
    if (!timescaledb.empty() && detail::version_at_least(timescaledb, needed)) return timescaledb;
    return needed;
}

bool Schema::timescaledb_at_least(const std::string& version) const {
    return detail::version_at_least(min_timescaledb(), version);
}

bool Schema::uses_timescaledb() const {
    return !aggregates.empty() || !jobs.empty() ||
           std::any_of(tables.begin(), tables.end(), [](const Table& t) { return t.hypertable.has_value(); });
}

}  // namespace hyperschema
