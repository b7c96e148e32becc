#include "support/catch.hpp"

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

TEST_CASE("bare identifiers exclude keywords, calls, casts and qualified names", "[lexer]") {
    auto ids = texts(sqltext::bare_identifiers(
        lex_ok("sum(CASE WHEN metric_type = 'energy' THEN value::numeric ELSE 0 END) + t.other")));
    CHECK(ids == std::vector<std::string>{"metric_type", "value"});
    CHECK(texts(sqltext::bare_identifiers(lex_ok("percentile_cont(0.95) WITHIN GROUP (ORDER BY value)"))) ==
          std::vector<std::string>{"value"});
    CHECK(texts(sqltext::bare_identifiers(lex_ok("last(energy, \"time\")"))) ==
          std::vector<std::string>{"energy", "time"});
}

TEST_CASE("tokens are the server's scanner's", "[lexer]") {
    std::vector<size_t> comments;
    std::string error;
    auto tokens = sqltext::lex("SELECT \"Mixed \"\"Q\"\"\" ->> E'a\\'b' || $t$x'y$t$ /* c */ <= 1.5::int -- end\n",
                               &error, &comments);
    REQUIRE(tokens);
    CHECK(texts(*tokens) ==
          std::vector<std::string>{"select", "Mixed \"Q\"", "->>", "a'b", "||", "x'y", "<=", "1.5", "::", "int"});
    CHECK((*tokens)[1].kind == sqltext::TokenKind::QuotedIdentifier);
    CHECK((*tokens)[3].kind == sqltext::TokenKind::String);
    CHECK((*tokens)[2].offset == 21);
    CHECK(comments == std::vector<size_t>{66});
    CHECK(texts(lex_ok("'it''s' 'a'\n'b'")) == std::vector<std::string>{"it's", "ab"});
}

TEST_CASE("unterminated literals are errors", "[lexer]") {
    std::string error;
    CHECK_FALSE(sqltext::lex("a = 'oops", &error));
    CHECK(error == "unterminated quoted string at or near \"'oops\" at offset 4");  // the server's scanner's words
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
    // uuid_in also reads the bare digits, braces and hyphens after any four digits.
    for (const char* u : {"123e4567e89b12d3a456426614174000", "{123e4567-e89b-12d3-a456-426614174000}",
                          "123e-4567-e89b-12d3-a456-4266-1417-4000"})
        CHECK(is_uuid_literal(u));
    for (const char* u : {"123e4567-e89b-12d3-a456-42661417400", "123e4567-e89b-12d3-a456-4266141740000",
                          "{123e4567e89b12d3a456426614174000", "123e4567--e89b-12d3-a456-426614174000", "-123e4567"})
        CHECK_FALSE(is_uuid_literal(u));
    CHECK(starts_with_call("  now ()"));
    CHECK_FALSE(starts_with_call("now"));
    // Long inputs used to overflow the stack in std::regex.
    CHECK_FALSE(is_integer_literal(std::string(200000, '1') + "x"));
    CHECK_FALSE(starts_with_call(std::string(200000, 'a')));
}

TEST_CASE("collations, EXTRACT fields and SQL keywords are not column references", "[lexer]") {
    CHECK(texts(sqltext::bare_identifiers(lex_ok("name COLLATE \"C\" > 'a'"))) == std::vector<std::string>{"name"});
    CHECK(texts(sqltext::bare_identifiers(lex_ok("extract(epoch from ts) > 0"))) == std::vector<std::string>{"ts"});
    CHECK(texts(sqltext::bare_identifiers(lex_ok("overlay(a placing b from 2) IS NOT NULL"))) ==
          std::vector<std::string>{"a", "b"});
    CHECK(texts(sqltext::bare_identifiers(lex_ok("flag IS UNKNOWN OR s IS NFC NORMALIZED"))) ==
          std::vector<std::string>{"flag", "s"});
    CHECK(texts(sqltext::bare_identifiers(lex_ok("trim(leading 'x' from s) <> ''"))) == std::vector<std::string>{"s"});
}

TEST_CASE("line comments are reported by offset, outside literals", "[lexer]") {
    std::string error;
    std::vector<size_t> comments;
    REQUIRE(sqltext::lex("a > 0 -- positive\n AND b /* -- */ = '--'", &error, &comments));
    CHECK(comments == std::vector<size_t>{6});
    comments.clear();
    REQUIRE(sqltext::lex("a-- b", &error, &comments));
    CHECK(comments == std::vector<size_t>{1});
    comments.clear();
    REQUIRE(sqltext::lex("$$ -- $$ || e'\\' --'", &error, &comments));
    CHECK(comments.empty());
}

TEST_CASE("literal values are checked as PostgreSQL reads them", "[lexer]") {
    using namespace hyperschema::sqltext;
    for (const char* b : {"true", "FALSE", "yes", "No", "on", "OFF", "of", "1", "0", "t", "f", "y", " tr "})
        CHECK(parse_boolean_literal(b).has_value());
    CHECK(*parse_boolean_literal("Off") == false);
    CHECK(*parse_boolean_literal("y") == true);
    for (const char* b : {"o", "01", "truex", "maybe", ""}) CHECK_FALSE(parse_boolean_literal(b).has_value());
    CHECK(integer_fits("32767", 16));
    CHECK(integer_fits("-32768", 16));
    CHECK_FALSE(integer_fits("32768", 16));
    CHECK(integer_fits("-2147483648", 32));
    CHECK_FALSE(integer_fits("-2147483649", 32));
    CHECK(integer_fits("0009223372036854775807", 64));
    CHECK_FALSE(integer_fits("9223372036854775808", 64));
    CHECK(integer_fits("-9223372036854775808", 64));
    CHECK(numeric_fits("99.994", 4, 2));
    CHECK_FALSE(numeric_fits("99.995", 4, 2));
    CHECK_FALSE(numeric_fits("-123.4", 4, 2));
    CHECK(numeric_fits("0.0099", 2, 4));
    CHECK_FALSE(numeric_fits("0.00999", 2, 4));
    CHECK(numeric_fits("12345", 3, -2));
    CHECK_FALSE(numeric_fits("99951", 3, -2));
    CHECK(numeric_fits("1e1", 4, 2));
    CHECK_FALSE(numeric_fits("1e2", 4, 2));
    CHECK(numeric_fits("1e-9999999", 4, 2));
    CHECK_FALSE(numeric_fits("1e9999999", 4, 2));
    CHECK(numeric_fits("NaN", 4, 2));
    CHECK_FALSE(numeric_fits("Infinity", 4, 2));
    CHECK(utf8_length("äöü") == 3);
}

TEST_CASE("timestamps are parsed and checked against the calendar", "[lexer]") {
    using namespace hyperschema::sqltext;
    std::string error;
    auto a = parse_timestamp_literal("2000-01-01T00:00:00Z", &error);
    auto b = parse_timestamp_literal("2000-01-01 01:00:00+01", &error);
    auto c = parse_timestamp_literal("2000-01-01", &error);
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE(c);
    CHECK(a->utc_micros() == b->utc_micros());
    CHECK(a->utc_micros() == 0);
    CHECK_FALSE(c->has_zone);
    CHECK(parse_timestamp_literal("2000-02-29 24:00", &error));
    CHECK(parse_timestamp_literal("2000-01-01 12:00:60.5-15:59", &error));
    CHECK(parse_timestamp_literal("1999-12-31 00:00:00.123456 UTC", &error)->utc_micros() == -86'400'000'000 + 123'456);
    CHECK_FALSE(parse_timestamp_literal("2000-02-30", &error));
    CHECK(error == "PostgreSQL refuses it (\"date/time field value out of range\"): February 2000 has 29 days");
    CHECK_FALSE(parse_timestamp_literal("1900-02-29", &error));
    CHECK_FALSE(parse_timestamp_literal("2000-01-01 24:00:01", &error));
    CHECK_FALSE(parse_timestamp_literal("0000-01-01", &error));
    CHECK_FALSE(parse_timestamp_literal("2000-01-01 00:00+16", &error));
    CHECK(error == "PostgreSQL refuses it (\"time zone displacement out of range\"): offsets reach at most 15:59");
    CHECK_FALSE(parse_timestamp_literal("yesterday", &error));
    CHECK(error == "expected a timestamp such as `2000-01-01 00:00:00+00`");
    CHECK_FALSE(parse_timestamp_literal(std::string(100000, '1'), &error));
}
