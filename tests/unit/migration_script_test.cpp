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

TEST_CASE("a statement left inside a quote at the end of a migration is refused") {
    CHECK_THROWS_WITH(parse_script("-- hyperschema:no-transaction\nDO $x$ BEGIN PERFORM 1; END;\n"),
                      Catch::Matchers::Contains("unterminated statement"));
}
