// The column type table (catalog/column_types.hpp) against the server it
// describes: every spelling it emits is one PostgreSQL accepts and prints back
// as the table says; every index method it allows (with or without
// btree_gist / btree_gin) is one CREATE INDEX accepts, and every one it refuses
// CREATE INDEX refuses; and every literal default it accepts or refuses, the
// server accepts or refuses the same way. A new record is covered by these
// loops without a line of test code.

#include "support/catch.hpp"

#include <cstdio>
#include <map>
#include <pqxx/pqxx>

#include "hyperschema/connection.hpp"

#include "catalog/column_types.hpp"
#include "support/pg_cluster.hpp"

using namespace hyperschema;
using namespace hyperschema::catalog;
using hyperschema::testing::PgCluster;

namespace {

// True when the statements run without error, in a transaction of their own
// that is rolled back: nothing they create stays, and no locks pile up.
bool runs(hyperschema::connection& conn, const std::string& sql, std::string* error = nullptr) {
    pqxx::work tx(conn);
    try {
        tx.exec(sql);
        tx.abort();
        return true;
    } catch (const pqxx::sql_error& e) {
        if (error) *error = e.what();
        return false;
    }
}

ColumnType parsed(const std::string& text) {
    std::string error;
    auto t = parse_column_type(text, {}, &error);
    INFO(text << ": " << error);
    REQUIRE(t.has_value());
    return *t;
}

// Whether the server has the extension a type needs; PostGIS is optional,
// and its types are left out, with a line saying so, where it is missing.
bool type_available(const TypeTraits& traits) {
    if (traits.extension.empty()) return true;
    static std::map<std::string, bool> known;
    const std::string name(traits.extension);
    if (!known.count(name)) {
        known[name] = PgCluster::shared().has_extension(name);
        if (!known[name])
            std::fprintf(stderr, "SKIPPED (extension %s not installed): its types in the type catalog tests\n",
                         name.c_str());
    }
    return known[name];
}

// Each built-in type, bare and with a modifier where it takes one.
std::vector<ColumnType> sample_types() {
    std::vector<ColumnType> out;
    for (const auto& traits : all_types()) {
        if (traits.base == BaseType::Enum || !type_available(traits)) continue;
        out.push_back(parsed(std::string(traits.name)));
        if (traits.modifier != Modifier::None) out.push_back(parsed(std::string(traits.example)));
    }
    return out;
}

// A database where every type of the table exists: the extensions that
// bring some (citext, hstore, ltree) installed.
// Its connection string.
std::string database_with_every_type(const std::string& name) {
    auto& pg = PgCluster::shared();
    const std::string dsn = pg.dsn(pg.create_database(name));
    auto conn = hyperschema::connect(dsn);
    pqxx::work tx(conn);
    for (const auto& traits : all_types())
        if (!traits.extension.empty() && type_available(traits))
            tx.exec("CREATE EXTENSION IF NOT EXISTS " + std::string(traits.extension));
    tx.commit();
    return dsn;
}

std::string opclass_name(Opclass o) {
    switch (o) {
        case Opclass::Yes:
            return "yes";
        case Opclass::No:
            return "no";
        case Opclass::WithBtreeGist:
            return "with btree_gist";
        case Opclass::WithBtreeGin:
            return "with btree_gin";
        case Opclass::JsonElements:
            return "json elements";
        case Opclass::SincePg16:
            return "from PostgreSQL 16";
    }
    return "?";
}

}  // namespace

TEST_CASE("every type's canonical spelling and aliases give the format_type() the table records", "[pg][catalog]") {
    auto conn = hyperschema::connect(database_with_every_type("type_spellings"));
    int n = 0;
    auto check = [&](const std::string& written, const ColumnType& expected) {
        const std::string column = "c" + std::to_string(++n);
        INFO("column type written as `" << written << "`");
        pqxx::work tx(conn);
        tx.exec("CREATE TABLE t" + column + " (" + column + " " + written + ")");
        auto r = hyperschema::detail::pqxx_bridge::exec(
            tx,
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2",
            "t" + column, column);
        CHECK(r[0][0].as<std::string>() == expected.catalog_sql());
    };
    for (const ColumnType& t : sample_types()) {
        check(t.sql(), t);
        ColumnType array = t;
        array.array_dims = 1;
        check(array.sql(), array);
        const auto& traits = traits_of(t.base);
        std::string_view aliases = traits.aliases;
        while (!aliases.empty()) {
            auto bar = aliases.find('|');
            std::string alias(aliases.substr(0, bar));
            // "timestamp(3) with time zone": the modifier goes inside the alias.
            const std::string modifier = t.modifier_sql();
            auto space = alias.find(' ');
            bool inside = traits.modifier == Modifier::Fractional && space != std::string::npos;
            std::string written = inside ? alias.substr(0, space) + modifier + alias.substr(space) : alias + modifier;
            // PostgreSQL's char alone is char(1): an alias without a modifier too.
            check(written, parsed(written));
            if (bar == std::string_view::npos) break;
            aliases.remove_prefix(bar + 1);
        }
    }
}

TEST_CASE("the index methods the type table allows are the ones CREATE INDEX accepts", "[pg][catalog]") {
    auto conn = hyperschema::connect(database_with_every_type("type_index_methods"));
    const int server_version = [&] {
        pqxx::work tx(conn);
        return tx.exec("SHOW server_version_num")[0][0].as<int>();
    }();
    const IndexMethod methods[] = {IndexMethod::Btree, IndexMethod::Hash, IndexMethod::Gin, IndexMethod::Gist,
                                   IndexMethod::Brin};
    std::vector<ColumnType> types = sample_types();
    for (std::size_t i = 0, n = types.size(); i < n; ++i) {
        ColumnType array = types[i];
        array.array_dims = 1;
        types.push_back(array);
    }
    int n = 0;
    for (const ColumnType& t : types) {
        for (IndexMethod m : methods) {
            const Opclass claim = index_support(m, t);
            const std::string table = "i" + std::to_string(++n);
            // json[] indexes build on an empty table; inserting compares json.
            const std::string sql = "CREATE TABLE " + table + " (c " + t.sql() + "); CREATE INDEX ON " + table +
                                    " USING " + index_method_name(m) + " (c)";
            auto with_extension = [&](const char* extension) {
                return runs(conn, std::string("CREATE EXTENSION ") + extension + "; " + sql);
            };
            const bool plain = runs(conn, sql);
            const bool gist = with_extension("btree_gist");
            const bool gin = with_extension("btree_gin");
            INFO(t.sql() << " using " << index_method_name(m) << ": the table says " << opclass_name(claim)
                         << "; the server builds it plain " << plain << ", with btree_gist " << gist
                         << ", with btree_gin " << gin);
            switch (claim) {
                case Opclass::Yes:
                    CHECK(plain);
                    break;
                case Opclass::JsonElements:
                    // Btree and hash build, then fail on the first comparison; GIN fails at once.
                    CHECK(plain == (m != IndexMethod::Gin));
                    break;
                case Opclass::No:
                    CHECK_FALSE(plain);
                    CHECK_FALSE(gist);
                    CHECK_FALSE(gin);
                    break;
                case Opclass::WithBtreeGist:
                    CHECK_FALSE(plain);
                    CHECK(gist);
                    break;
                case Opclass::WithBtreeGin:
                    CHECK_FALSE(plain);
                    CHECK(gin);
                    break;
                case Opclass::SincePg16:
                    CHECK(plain == (server_version >= 160000));
                    break;
            }
        }
    }
}

namespace {

struct LiteralCase {
    const char* type;
    const char* literal;
};

// Good and bad defaults per type: the verdict is the server's, the test only
// checks the compiler agrees. Words converted at CREATE TABLE (now, today)
// are refused on purpose and checked in the invalid cases instead.
const LiteralCase kLiterals[] = {
    {"smallint", "32767"},
    {"smallint", "32768"},
    {"smallint", "-32768"},
    {"integer", "1e3"},
    {"bigint", "-0"},
    {"real", "1.5e-3"},
    {"real", "NaN"},
    {"double precision", "-Infinity"},
    {"double precision", "1,5"},
    {"numeric(4,2)", "99.994"},
    {"numeric(4,2)", "99.995"},
    {"numeric(3,-2)", "99949"},
    {"numeric", "abc"},
    {"varchar(3)", "abc   "},
    {"varchar(3)", "abcd"},
    {"varchar(3)", "äöü"},
    {"char(3)", "EUR"},
    {"char(3)", "EUR   "},
    {"char(3)", "EURO"},
    {"char", "x"},
    {"char", "xy"},
    {"boolean", "yes"},
    {"boolean", "of"},
    {"boolean", "o"},
    {"boolean", "2"},
    {"uuid", "a0eebc999c0b4ef8bb6d6bb9bd380a11"},
    {"uuid", "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"},
    {"uuid", "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11"},
    {"uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"},
    {"uuid", "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
    {"jsonb", "{}"},
    {"jsonb", "[1, 2]"},
    {"jsonb", "bare"},
    {"date", "2024-02-29"},
    {"date", "2023-02-29"},
    {"date", "2024-02-30"},
    {"date", "2024-04-31"},
    {"date", "0000-01-01"},
    {"date", "2024-01-01 BC"},
    {"date", "20240101"},
    {"date", "Jan 8 1999"},
    {"date", "epoch"},
    {"date", "infinity"},
    {"timestamp", "2024-02-29 23:59:59.999999"},
    {"timestamp", "2023-02-29 12:00"},
    {"timestamp", "2024-01-01T24:00:00"},
    {"timestamp", "2024-01-01 25:00"},
    {"timestamptz", "2024-13-01 00:00:00+00"},
    {"timestamptz", "2024-12-31 00:00:00+15:59"},
    {"timestamptz", "2024-01-01 00:00:00+25"},
    {"timestamptz", "2024-01-01 00:00:00 Europe/Berlin"},
    {"timestamptz", "2024-06-01T12:00:00Z"},
    {"timestamptz", "-infinity"},
    {"interval", "1 day 2 hours"},
    {"interval", "3 fortnights"},
    {"interval", "10 mins 3 secs ago"},
    {"interval", "@ 1 hour"},
    {"interval", "P1DT2H"},
    {"interval", "1-2"},
    {"interval", "5 millennia 2 decades"},
    {"interval", "1 day 02:00:00"},
    {"interval", "2 weeks 1 lightyear"},
    {"interval", "3 mseconds 4 useconds"},
    {"interval", "1 millisecondss"},
    {"interval", "2 microseconds 1 millenniums"},
    {"real", "1e39"},
    {"real", "1e-50"},
    {"real", "3.4e38"},
    {"real", "1.5e-45"},
    {"double precision", "1e309"},
    {"double precision", "1e-400"},
    {"double precision", "1.7e308"},
    {"bytea", "\\x"},
    {"bytea", "\\xdeadbeef"},
    {"bytea", "\\xDE AD be ef"},
    {"bytea", "\\x123"},
    {"bytea", "\\xzz"},
    {"bytea", "plain text"},
    {"bytea", "a\\\\b"},
    {"bytea", "\\101\\102"},
    {"bytea", "a\\b"},
    {"jsonb", "{\"a\":}"},
    {"jsonb", "{\"a\": [1, 2.5e3, null, true, \"x\"]}"},
    {"jsonb", "'{}'"},
    {"json", "  [1,2]  "},
    {"json", "[1,2,]"},
    {"jsonb", "\"text\""},
    {"jsonb", "nul"},
    {"time", "08:30"},
    {"time", "08:30:15.123456"},
    {"time", "24:00:00"},
    {"time", "24:00:01"},
    {"time", "23:59:60"},
    {"time", "12:60"},
    {"time", "25:00"},
    {"time", "4:05 PM"},
    {"time", "13:00 PM"},
    {"time", "T04:05"},
    {"time", "040506"},
    {"time", "1200"},
    {"time", "12"},
    {"time", "allballs"},
    {"time", "midnight"},
    {"time", "04:05:06.5+05:30"},
    {"time", "-1:00"},
    {"time", "2003-04-12 04:05:06"},
    {"time(0)", "17:30:59.9"},
    {"timetz", "08:30+02"},
    {"timetz", "08:30:00-09:30"},
    {"timetz", "04:05+15:59"},
    {"timetz", "04:05+16:00"},
    {"timetz", "04:05:06 PST"},
    {"timetz", "04:05 Z"},
    {"timetz", "04:05 Europe/Berlin"},
    {"inet", "192.168.0.1"},
    {"inet", "192.168.0.5/24"},
    {"inet", "10.1.2"},
    {"inet", "::1"},
    {"inet", "2001:db8::1/64"},
    {"inet", "1.2.3.4/33"},
    {"inet", "::ffff:1.2.3.4"},
    {"inet", "256.1.1.1"},
    {"inet", " 10.0.0.1"},
    {"inet", "2001:db8:::1"},
    {"cidr", "10.0.0.0/8"},
    {"cidr", "10.1.2.3/24"},
    {"cidr", "10.1"},
    {"cidr", "10"},
    {"cidr", "192.168.1"},
    {"cidr", "224"},
    {"cidr", "240"},
    {"cidr", "10.1.2.3"},
    {"cidr", "2001:db8::/32"},
    {"cidr", "2001:db8::1/32"},
    {"cidr", "128.1.0.1"},
    {"macaddr", "08:00:2b:01:02:03"},
    {"macaddr", "08-00-2b-01-02-03"},
    {"macaddr", "8:0:2b:1:2:3"},
    {"macaddr", "08002b:010203"},
    {"macaddr", "08002b-010203"},
    {"macaddr", "0800.2b01.0203"},
    {"macaddr", "0800-2b01-0203"},
    {"macaddr", "08002b010203"},
    {"macaddr", "08:00:2b:01:02"},
    {"macaddr", "08:00-2b:01:02:03"},
    {"macaddr", "08:00:2b:01:02:03:04"},
    {"macaddr", "0800:2b01:0203"},
    {"macaddr8", "08:00:2b:01:02:03:04:05"},
    {"macaddr8", "08:00:2b:01:02:03"},
    {"macaddr8", "0800.2b01.0203.0405"},
    {"macaddr8", "08002b0102030405"},
    {"macaddr8", "8:0:2b:1:2:3"},
    {"macaddr8", "08:00:2b:01:02:03:04"},
    {"macaddr8", "0800:2b01:0203:0405"},
};

}  // namespace

TEST_CASE("the foreign keys the type table allows between two types are the ones the server accepts", "[pg][catalog]") {
    auto conn = hyperschema::connect(database_with_every_type("type_foreign_keys"));
    std::vector<ColumnType> types;
    for (const ColumnType& t : sample_types()) {
        if (t.base == BaseType::Json) continue;  // no b-tree class: never a key
        types.push_back(t);
        ColumnType array = t;
        array.array_dims = 1;
        types.push_back(array);
    }
    int accepted = 0;
    for (const ColumnType& referenced : types) {
        for (const ColumnType& referencing : types) {
            // A scalar and an array never match; a few such pairs show it,
            // all of them would only double the run.
            if (referenced.is_array() != referencing.is_array() && referenced.base != referencing.base) continue;
            const bool claim = foreign_key_compatible(referencing, referenced);
            std::string error;
            const bool server = runs(conn,
                                     "CREATE TABLE k (c " + referenced.sql() + " PRIMARY KEY); CREATE TABLE f (c " +
                                         referencing.sql() + " REFERENCES k)",
                                     &error);
            INFO(referencing.sql() << " -> " << referenced.sql() << ": the table says " << claim << ", the server says "
                                   << (server ? "yes" : error));
            CHECK(claim == server);
            accepted += server;
        }
    }
    // Not only same-type pairs: the cross-type rules are exercised.
    CHECK(accepted > static_cast<int>(types.size()) + 30);
}

TEST_CASE("literal defaults the type table accepts are the ones the server stores", "[pg][catalog]") {
    auto conn = hyperschema::connect(database_with_every_type("type_literals"));
    int n = 0;
    for (const auto& [type_text, literal] : kLiterals) {
        const ColumnType type = parsed(type_text);
        const auto& traits = traits_of(type.base);
        const std::string problem = traits.check_literal ? traits.check_literal(type, literal) : "";
        const std::string table = "l" + std::to_string(++n);
        std::string server_error;
        // The default is checked by the insert that relies on it (a varchar
        // default too long passes CREATE TABLE).
        const bool stored = runs(conn,
                                 "CREATE TABLE " + table + " (c " + type.sql() + " DEFAULT " +
                                     conn.quote(std::string(literal)) + "); INSERT INTO " + table + " DEFAULT VALUES",
                                 &server_error);
        INFO(type_text << " DEFAULT '" << literal << "': the compiler says \"" << problem << "\", the server says \""
                       << server_error << "\"");
        CHECK(stored == problem.empty());
    }
}
