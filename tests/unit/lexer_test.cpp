#include <catch2/catch.hpp>

#include "emit/identifiers.hpp"
#include "sqltext/lexer.hpp"
#include "sqltext/literals.hpp"

using namespace hyperschema;

static std::vector<sqltext::Token> lex_ok(const std::string& sql) {
    std::string error;
    auto tokens = sqltext::lex(sql, &error);
    INFO(sql << ": " << error);
    REQUIRE(tokens.has_value());
    return *tokens;
}

static std::vector<std::string> texts(const std::vector<sqltext::Token>& tokens) {
    std::vector<std::string> out;
    for (const auto& t : tokens) out.push_back(t.text);
    return out;
}

TEST_CASE("non-immutable calls are found outside literals and comments", "[lexer]") {
    CHECK(sqltext::non_immutable_functions(lex_ok("time > NOW() - INTERVAL '7 days'")) ==
          std::vector<std::string>{"now"});
    CHECK(sqltext::non_immutable_functions(lex_ok("ts < current_timestamp")) ==
          std::vector<std::string>{"current_timestamp"});
    CHECK(sqltext::non_immutable_functions(lex_ok("note = 'now()' -- now()\n /* random() */")).empty());
    CHECK(sqltext::non_immutable_functions(lex_ok("x = $$now()$$")).empty());
    CHECK(sqltext::non_immutable_functions(lex_ok("\"now\" > 1")).empty());
    CHECK(sqltext::non_immutable_functions(lex_ok("abs(value) > 1")).empty());
}

TEST_CASE("bare identifiers exclude keywords, calls, casts and qualified names", "[lexer]") {
    auto ids = texts(sqltext::bare_identifiers(
        lex_ok("sum(CASE WHEN metric_type = 'energy' THEN value::numeric ELSE 0 END) + t.other")));
    CHECK(ids == std::vector<std::string>{"metric_type", "value"});
    CHECK(texts(sqltext::bare_identifiers(lex_ok("percentile_cont(0.95) WITHIN GROUP (ORDER BY value)"))) ==
          std::vector<std::string>{"value"});
    CHECK(texts(sqltext::bare_identifiers(lex_ok("last(energy, \"time\")"))) ==
          std::vector<std::string>{"energy", "time"});
}

TEST_CASE("relations read by a view are the names after FROM and JOIN", "[lexer]") {
    auto rels = sqltext::relations_read(
        lex_ok("SELECT x FROM a, public.b AS bb JOIN c ON true LEFT JOIN d lo ON 1=1 WHERE x > 1"));
    CHECK(rels == std::vector<std::string>{"a", "b", "c", "d"});
}

TEST_CASE("unterminated literals are errors", "[lexer]") {
    std::string error;
    CHECK_FALSE(sqltext::lex("a = 'oops", &error));
    CHECK(error == "unterminated string literal starting at offset 4");
    CHECK_FALSE(sqltext::lex("\"x", &error));
    CHECK_FALSE(sqltext::lex("/* a /* b */", &error));
    CHECK_FALSE(sqltext::lex("$t$ abc", &error));
}

TEST_CASE("identifiers are quoted exactly when PostgreSQL needs it", "[identifiers]") {
    CHECK(emit::quote_ident("device_id") == "device_id");
    CHECK(emit::quote_ident("time") == "\"time\"");
    CHECK(emit::quote_ident("user") == "\"user\"");
    CHECK(emit::quote_ident("order") == "\"order\"");
    CHECK(emit::quote_ident("timestamp") == "\"timestamp\"");
    CHECK(emit::quote_ident("name") == "name");  // unreserved
    CHECK(emit::quote_ident("Mixed") == "\"Mixed\"");
    CHECK(emit::quote_ident("a\"b") == "\"a\"\"b\"");
    CHECK(emit::quote_literal("it's") == "'it''s'");
    CHECK(emit::regclass_literal("public", "user") == "'public.\"user\"'");
}

TEST_CASE("default literals are recognised without regular expressions", "[lexer]") {
    using namespace hyperschema::sqltext;
    CHECK(is_integer_literal("-42"));
    CHECK_FALSE(is_integer_literal("4.2"));
    CHECK_FALSE(is_integer_literal("-"));
    for (const char* n : {"1", "-1.5", ".5", "5.", "1e10", "2.5E-3", "NaN", "-Infinity"}) CHECK(is_number_literal(n));
    for (const char* n : {"", ".", "1e", "e5", "1.2.3", "abc", "--1"}) CHECK_FALSE(is_number_literal(n));
    CHECK(is_uuid_literal("123e4567-e89b-12d3-a456-426614174000"));
    CHECK_FALSE(is_uuid_literal("123e4567e89b12d3a456426614174000"));
    CHECK(starts_with_call("  now ()"));
    CHECK_FALSE(starts_with_call("now"));
    // Long inputs used to overflow the stack in std::regex.
    CHECK_FALSE(is_integer_literal(std::string(200000, '1') + "x"));
    CHECK_FALSE(starts_with_call(std::string(200000, 'a')));
}
