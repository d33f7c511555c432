/*
 * test_search.c - full-text search, the pure part (hub/search.c): queries
 * and their errors, the FTS5 expression user input cannot break (checked
 * against SQLite's own FTS5 with the trigram tokenizer), substring counts,
 * matching, ranking and snippets.
 */
#include <sqlite3.h>
#include <string.h>

#include "check.h"
#include "search.h"

/* A query and the terms it means ("|"-separated, "*" marking phrases), or
 * the error it gets. */
struct qrow {
	const char *name;
	const char *q;
	const char *terms; /* NULL: refused */
	const char *in_err;
};

static const struct qrow qrows[] = {
    {"one word", "委託", "委託", NULL},
    {"words", "supply chain", "supply|chain", NULL},
    {"phrase", "\"supply chain\"", "*supply chain", NULL},
    {"phrase and words", "監査 \"supply  chain\"  委託先", "監査|*supply chain|委託先", NULL},
    {"ideographic space", "監査\xe3\x80\x80委託", "監査|委託", NULL},
    {"tab and newline", "a\tb\nc", "a|b|c", NULL},
    {"quote ends a word", "ab\"c d\"e", "ab|*c d|e", NULL},
    {"duplicates count once", "VPN vpn Vpn", "VPN", NULL},
    {"a phrase equal to a word", "vpn \"VPN\"", "vpn", NULL},
    {"FTS5 operators are words", "a OR b NOT c NEAR(d e)", "a|OR|b|NOT|c|NEAR(d|e)", NULL},
    {"column filter is a word", "title:foo", "title:foo", NULL},
    {"star and caret", "^abc* -x", "^abc*|-x", NULL},
    {"parentheses", "(a)", "(a)", NULL},
    {"eight terms", "a b c d e f g h", "a|b|c|d|e|f|g|h", NULL},
    {"empty", "", NULL, "no words"},
    {"only spaces", "   \xe3\x80\x80 ", NULL, "no words"},
    {"unterminated quote", "\"supply chain", NULL, "not closed"},
    {"lone quote", "abc \"", NULL, "not closed"},
    {"three quotes", "\"a\" \"b", NULL, "not closed"},
    {"empty phrase", "abc \"\"", NULL, "empty phrase"},
    {"blank phrase", "\"   \"", NULL, "empty phrase"},
    {"nine terms", "a b c d e f g h i", NULL, "at most 8"},
    {"control character", "abc\x01", NULL, "control"},
    {"DEL", "abc\x7f", NULL, "control"},
    {"C1 control", "abc\xc2\x85", NULL, "control"},
};

static void test_parse(void)
{
	char q201[202];

	for (size_t i = 0; i < CHECK_N(qrows); i++) {
		const struct qrow *r = &qrows[i];
		struct kr_search_query q;
		char err[256] = "", got[512] = "";
		enum kr_err rc;

		check_case(r->name);
		rc = search_parse(r->q, strlen(r->q), &q, err, sizeof(err));
		CHECK_EQ_INT(rc, r->terms ? KR_OK : KR_EINVAL);
		for (size_t t = 0; t < q.n; t++) {
			strcat(got, t ? "|" : "");
			strcat(got, q.terms[t].phrase ? "*" : "");
			strcat(got, q.terms[t].text);
		}
		if (r->terms)
			CHECK_STREQ(got, r->terms);
		else if (!CHECK(strstr(err, r->in_err) != NULL))
			fprintf(stderr, "  message: %s\n", err);
		search_query_clear(&q);
	}
	check_case("200 Japanese characters, then 201");
	{
		char q[700] = "";
		struct kr_search_query sq;
		char err[256];

		for (int i = 0; i < 200; i++)
			strcat(q, "監");
		CHECK_EQ_INT(search_parse(q, strlen(q), &sq, err, sizeof(err)), KR_OK);
		CHECK_EQ_INT(sq.terms[0].chars, 200);
		search_query_clear(&sq);
		strcat(q, "査");
		CHECK_EQ_INT(search_parse(q, strlen(q), &sq, err, sizeof(err)), KR_EINVAL);
		CHECK(strstr(err, "1-200 characters") != NULL);
	}
	memset(q201, 'a', 201);
	q201[201] = '\0';
	check_case("201 ASCII characters");
	{
		struct kr_search_query sq;
		char err[256];

		CHECK_EQ_INT(search_parse(q201, 201, &sq, err, sizeof(err)), KR_EINVAL);
	}
	check_case(NULL);
}

/* Which terms the trigram index can look up: three characters, not bytes. */
static void test_indexed(void)
{
	static const struct {
		const char *q;
		const char *expr; /* NULL: none indexed */
	} rows[] = {
	    {"監査", NULL},
	    {"委託先", "\"委託先\""},
	    {"ab", NULL},
	    {"abc", "\"abc\""},
	    {"監査 supply 委託", "\"supply\""},
	    {"\"a b\" 委託契約", "\"a b\" \"委託契約\""},
	    {"NEAR(a OR", "\"NEAR(a\""},
	    {"x* title:y", "\"title:y\""},
	};

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		struct kr_search_query q;
		char err[256], *expr = NULL;

		check_case(rows[i].q);
		CHECK_EQ_INT(search_parse(rows[i].q, strlen(rows[i].q), &q, err, sizeof(err)),
		             KR_OK);
		CHECK(search_fts_expr(&q, &expr));
		CHECK_STREQ(expr, rows[i].expr);
		free(expr);
		search_query_clear(&q);
	}
	check_case(NULL);
}

static void test_quote(void)
{
	static const struct {
		const char *in, *out;
	} rows[] = {
	    {"abc", "\"abc\""}, {"a\"b", "\"a\"\"b\""},         {"\"", "\"\"\"\""},
	    {"", "\"\""},       {"NEAR(x y)", "\"NEAR(x y)\""}, {"監査法人", "\"監査法人\""},
	};

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		char *q = search_fts_quote(rows[i].in);

		check_case(rows[i].in);
		CHECK_STREQ(q, rows[i].out);
		free(q);
	}
	check_case(NULL);
}

/*
 * Every quoted term is a valid FTS5 query that matches its own text as a
 * substring, whatever it holds: the escaping, checked by SQLite itself.
 */
static void test_quote_with_fts5(void)
{
	static const char *const hostile[] = {
	    "abc",       "a\"b\"c",  "NEAR(abc def)", "abc OR def",
	    "title:abc", "abc*",     "^abc",          "(abc",
	    "abc)",      "-abc",     "+abc",          "AND",
	    "\"\"\"",    "監査法人", "a'b'c",         "{title body}: x",
	};
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL, *sel = NULL;

	CHECK_EQ_INT(sqlite3_open(":memory:", &db), SQLITE_OK);
	CHECK_EQ_INT(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')",
	                          NULL, NULL, NULL),
	             SQLITE_OK);
	sqlite3_prepare_v2(db, "INSERT INTO t (rowid, x) VALUES (?1, ?2)", -1, &ins, NULL);
	sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1", -1, &sel, NULL);
	for (size_t i = 0; i < CHECK_N(hostile); i++) {
		char text[128];

		snprintf(text, sizeof(text), "before %s after", hostile[i]);
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_text(ins, 2, text, -1, SQLITE_TRANSIENT);
		CHECK_EQ_INT(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
	}
	for (size_t i = 0; i < CHECK_N(hostile); i++) {
		char *q = search_fts_quote(hostile[i]);
		int rc, rows = 0;
		bool self = false;

		check_case(hostile[i]);
		sqlite3_bind_text(sel, 1, q, -1, SQLITE_TRANSIENT);
		while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
			rows++;
			self = self || sqlite3_column_int64(sel, 0) == (sqlite3_int64)i + 1;
		}
		if (!CHECK_EQ_INT(rc, SQLITE_DONE))
			fprintf(stderr, "  sqlite: %s\n", sqlite3_errmsg(db));
		sqlite3_reset(sel);
		/* Under three characters the trigram index finds nothing, by design. */
		if (strlen(hostile[i]) >= 3)
			CHECK(self);
		free(q);
	}
	check_case(NULL);
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	sqlite3_close(db);
}

static void test_count(void)
{
	static const struct {
		const char *hay, *needle;
		size_t n;
	} rows[] = {
	    {"委託先の監査と委託契約", "委託", 2},
	    {"委託先の監査と委託契約", "監査", 1},
	    {"Supply chain, SUPPLY CHAIN, supply", "supply chain", 2},
	    {"aaaa", "aa", 2}, /* non-overlapping */
	    {"abc", "abcd", 0},
	    {"abc", "", 0},
	    {"", "a", 0},
	    {"ＶＰＮ VPN", "vpn", 1}, /* full-width letters are other characters */
	    {"Ä ä", "ä", 1},          /* only ASCII letters ignore case */
	    {"[組織]の担当者", "組織", 1},
	};

	for (size_t i = 0; i < CHECK_N(rows); i++) {
		check_case(rows[i].needle);
		CHECK_EQ_INT(search_count(rows[i].hay, strlen(rows[i].hay), rows[i].needle,
		                          strlen(rows[i].needle)),
		             rows[i].n);
	}
	check_case(NULL);
}

static void parse(const char *q, struct kr_search_query *out)
{
	char err[256];

	if (search_parse(q, strlen(q), out, err, sizeof(err)) != KR_OK)
		fprintf(stderr, "bad test query %s: %s\n", q, err);
}

static void test_match(void)
{
	struct kr_search_query q;
	struct kr_search_doc d = {0};

	parse("監査 \"supply chain\"", &q);
	search_doc_set(&d, KR_SF_TITLE, "委託先の監査");
	search_doc_set(&d, KR_SF_STEPS, "We reviewed the Supply Chain contracts.");
	CHECK(search_doc_match(&d, &q));
	CHECK_EQ_INT(d.tf[KR_SF_TITLE][0], 1);
	CHECK_EQ_INT(d.tf[KR_SF_STEPS][1], 1);
	CHECK_EQ_INT(d.chars[KR_SF_TITLE], 6);
	search_doc_set(&d, KR_SF_STEPS, "We reviewed the supply-chain contracts.");
	CHECK(!search_doc_match(&d, &q)); /* a phrase is matched as written */
	search_doc_set(&d, KR_SF_STEPS, NULL);
	search_doc_set(&d, KR_SF_TAGS, "supply chain");
	CHECK(search_doc_match(&d, &q));
	search_query_clear(&q);
}

/* Ranking over the documents handed in: more, earlier-weighted and denser
 * matches first; ties newest first. */
static void test_rank(void)
{
	struct kr_search_query q;
	struct kr_search_doc title = {0}, twice = {0}, once = {0}, longer = {0}, newer = {0};
	struct kr_search_doc *docs[] = {&once, &longer, &twice, &title, &newer};
	const char *filler = "このほか、社内の手順書と教育資料を改訂し、年次の訓練で確認した。"
	                     "このほか、社内の手順書と教育資料を改訂し、年次の訓練で確認した。";

	parse("委託", &q);
	search_doc_set(&title, KR_SF_TITLE, "委託先管理");
	search_doc_set(&title, KR_SF_BODY, "契約を見直した。");
	search_doc_set(&twice, KR_SF_TITLE, "契約の見直し");
	search_doc_set(&twice, KR_SF_BODY, "委託先と委託契約を見直した。");
	search_doc_set(&once, KR_SF_TITLE, "契約の見直し");
	search_doc_set(&once, KR_SF_BODY, "委託契約を見直した。");
	search_doc_set(&longer, KR_SF_TITLE, "契約の見直し");
	search_doc_set(&longer, KR_SF_BODY, filler);
	search_doc_set(&longer, KR_SF_OUTCOME, "委託契約を見直した。");
	newer = once;
	once.order = 1;
	longer.order = 2;
	twice.order = 3;
	title.order = 4;
	newer.order = 5;
	for (size_t i = 0; i < CHECK_N(docs); i++)
		CHECK(search_doc_match(docs[i], &q));
	search_rank(docs, CHECK_N(docs), &q);
	qsort(docs, CHECK_N(docs), sizeof(docs[0]), search_doc_cmp);
	CHECK(docs[0] == &title); /* in the title */
	CHECK(docs[1] == &twice); /* twice in the body */
	CHECK(docs[2] == &newer); /* once, as `once`, but newer */
	CHECK(docs[3] == &once);
	CHECK(docs[4] == &longer); /* once, in a longer document */
	CHECK(title.score > twice.score && twice.score > once.score && once.score > longer.score);
	CHECK(newer.score == once.score);
	search_query_clear(&q);
}

struct srow {
	const char *name, *q;
	const char *title, *body, *steps;
	const char *snippet;
	enum kr_search_field field;
};

static const struct srow srows[] = {
    {"marks every match", "委託", "t", "委託先の監査と委託契約", NULL, "«委託»先の監査と«委託»契約",
     KR_SF_BODY},
    {"ASCII case kept as written", "vpn", "t", "The VPN and the vpn.", NULL,
     "The «VPN» and the «vpn».", KR_SF_BODY},
    {"longest term wins", "監査 監査法人", "t", "外部の監査法人に依頼", NULL,
     "外部の«監査法人»に依頼", KR_SF_BODY},
    {"white space runs become one space", "b", "t", "a\n\n b\t\tc", NULL, "a «b» c", KR_SF_BODY},
    {"title only when nothing else matches", "見直し", "契約の見直し", "本文", NULL,
     "契約の«見直し»", KR_SF_TITLE},
    {"the text with most matches", "委託", "t", "委託", "委託と委託", "«委託»と«委託»",
     KR_SF_STEPS},
    {"placeholders are text like any other", "担当", "t", "[組織]の担当者[人名]が対応", NULL,
     "[組織]の«担当»者[人名]が対応", KR_SF_BODY},
    {"cut before and after", "ZZ", "t",
     /* 40 digits, ZZ, 100 digits: 30 characters before the match, 120 in all */
     "0123456789012345678901234567890123456789ZZ"
     "0123456789012345678901234567890123456789012345678901234567890123456789"
     "012345678901234567890123456789",
     NULL,
     "…012345678901234567890123456789«ZZ»"
     "0123456789012345678901234567890123456789012345678901234567890123456789"
     "012345678901234567…",
     KR_SF_BODY},
    {"Japanese cut on characters", "鍵", "t",
     "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわを鍵"
     "んあいうえお",
     NULL, "…たちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわを«鍵»んあいうえお",
     KR_SF_BODY},
};

static void test_snippet(void)
{
	for (size_t i = 0; i < CHECK_N(srows); i++) {
		const struct srow *r = &srows[i];
		struct kr_search_query q;
		struct kr_search_doc d = {0};
		enum kr_search_field f = KR_SF__COUNT;
		char *snip;

		check_case(r->name);
		parse(r->q, &q);
		search_doc_set(&d, KR_SF_TITLE, r->title);
		search_doc_set(&d, KR_SF_BODY, r->body);
		search_doc_set(&d, KR_SF_STEPS, r->steps);
		CHECK(search_doc_match(&d, &q));
		snip = search_snippet(&d, &q, &f);
		CHECK_STREQ(snip, r->snippet);
		CHECK_EQ_INT(f, r->field);
		free(snip);
		search_query_clear(&q);
	}
	check_case(NULL);
	CHECK_STREQ(search_field_name(KR_SF_OUTCOME), "outcome");
	CHECK_NULL(search_field_name(KR_SF__COUNT));
}

int main(void)
{
	test_parse();
	test_indexed();
	test_quote();
	test_quote_with_fts5();
	test_count();
	test_match();
	test_rank();
	test_snippet();
	return check_finish();
}
