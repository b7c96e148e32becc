// The runtime's reading of a migration file into the statements it runs
// before, inside and after the transaction.

#include "support/catch.hpp"

#include "hyperschema/migration.hpp"

using hyperschema::parse_script;

TEST_CASE("statements outside the transaction end at a line-ending semicolon outside quotes") {
    const auto script = parse_script(R"(-- Migration 0002_x (up)
BEGIN;
CREATE TABLE t (a int);
COMMIT;

-- hyperschema:no-transaction

-- a refresh
CALL refresh_continuous_aggregate('public.hourly', NULL, NULL);

-- a DO block: its body's semicolons are inside a dollar quote
DO $hyperschema$
DECLARE
    n bigint;  -- the count's own comment
BEGIN
    EXECUTE 'DELETE FROM t WHERE $1 IS NULL OR a < $1;' USING n;
    RAISE NOTICE 'it''s done; %', n;
END
$hyperschema$;

DO $$ BEGIN PERFORM 1; END $$;
SELECT 'a '';
-- not a comment, inside the string
' AS s;
)");
    REQUIRE(script.transaction == "CREATE TABLE t (a int);\n");
    REQUIRE(script.after.size() == 4);
    CHECK(script.after[0] == "CALL refresh_continuous_aggregate('public.hourly', NULL, NULL);");
    CHECK(script.after[1].rfind("DO $hyperschema$\nDECLARE", 0) == 0);
    CHECK(script.after[1].find("RAISE NOTICE 'it''s done; %', n;\nEND\n$hyperschema$;") != std::string::npos);
    CHECK(script.after[2] == "DO $$ BEGIN PERFORM 1; END $$;");
    CHECK(script.after[3] == "SELECT 'a '';\n-- not a comment, inside the string\n' AS s;");
}

TEST_CASE("escape strings, quoted identifiers, block comments, nested dollar quotes and parameters") {
    const auto script = parse_script(R"(-- hyperschema:no-transaction
CREATE INDEX CONCURRENTLY i ON t (a) WHERE b <> E'it\'s';
CREATE INDEX CONCURRENTLY "it's" ON t (a) /* don't */;
SELECT foo$bar$ FROM t WHERE a = $1;
CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $f$
BEGIN
    EXECUTE $q$SELECT 1;$q$;
    RETURN 1;
END
$f$;
SELECT 'one
two;
three';
)");
    REQUIRE(script.before.size() == 5);
    CHECK(script.before[0] == "CREATE INDEX CONCURRENTLY i ON t (a) WHERE b <> E'it\\'s';");
    CHECK(script.before[1] == "CREATE INDEX CONCURRENTLY \"it's\" ON t (a) /* don't */;");
    CHECK(script.before[2] == "SELECT foo$bar$ FROM t WHERE a = $1;");
    CHECK(script.before[3].find("RETURN 1;\nEND\n$f$;") != std::string::npos);
    CHECK(script.before[4] == "SELECT 'one\ntwo;\nthree';");
}

TEST_CASE("a statement left inside a quote at the end of a migration is refused") {
    CHECK_THROWS_WITH(parse_script("-- hyperschema:no-transaction\nDO $x$ BEGIN PERFORM 1; END;\n"),
                      Catch::Matchers::Contains("unterminated statement"));
}
