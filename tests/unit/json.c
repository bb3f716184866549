/* Unit tests for the lookups of src/parse/json.c (json_get and friends). */
#include "posture.h"
#include "parse/json.h"

#include <math.h>
#include <setjmp.h>
#include <cmocka.h>

static const struct jnode *tree(struct arena *a, const char *text)
{
	struct perr err = PERR_INIT;
	struct jnode *root = NULL;

	assert_int_equal(json_parse_tree(&root, a, text, strlen(text), NULL, &err), 0);
	return root;
}

/* One pass gives what json_get() gives for each key: the first of duplicates, "" too. */
static void test_json__get_each_is_json_get(void **state)
{
	static const char *const keys[] = { "startLine", "startColumn", "s", "", "missing", "a" };
	const struct jnode *out[ARRAY_SIZE(keys)];
	struct arena a;
	const struct jnode *root;
	size_t k;

	arena_init(&a, 0);
	root = tree(&a, "{\"startColumn\":5,\"startLine\":7,\"s\":1,\"\":2,\"startLine\":9,"
		     "\"st\":3,\"a\":{\"b\":1}}");
	json_get_each(root, keys, ARRAY_SIZE(keys), out);
	for (k = 0; k < ARRAY_SIZE(keys); k++)
		assert_ptr_equal(out[k], json_get(root, keys[k]));
	assert_string_equal(out[0]->str, "7");
	assert_null(out[4]);
	json_get_each(json_get(root, "s"), keys, ARRAY_SIZE(keys), out); /* not an object */
	for (k = 0; k < ARRAY_SIZE(keys); k++)
		assert_null(out[k]);
	json_get_each(NULL, keys, ARRAY_SIZE(keys), out);
	assert_null(out[0]);
	arena_release(&a);
}

/* Short integers are read without strtod(), and give what it gives. */
static void test_json__numbers(void **state)
{
	struct arena a;
	const struct jnode *root;
	long long i;
	double d;

	arena_init(&a, 0);
	root = tree(&a, "[0, -0, 4663, -12, 123456789012345, 1234567890123456, 1.5, 2e3, \"17\", "
		     "\"x1\", \"\", true]");
	assert_true(json_int(json_at(root, 0), &i) && i == 0);
	assert_true(json_num(json_at(root, 1), &d) && d == 0 && signbit(d));
	assert_true(json_int(json_at(root, 1), &i) && i == 0);
	assert_true(json_int(json_at(root, 2), &i) && i == 4663);
	assert_true(json_int(json_at(root, 3), &i) && i == -12);
	assert_true(json_int(json_at(root, 4), &i) && i == 123456789012345LL);
	assert_true(json_int(json_at(root, 5), &i) && i == 1234567890123456LL);
	assert_true(json_int(json_at(root, 6), &i) && i == 1);
	assert_true(json_num(json_at(root, 6), &d) && d == 1.5);
	assert_true(json_int(json_at(root, 7), &i) && i == 2000);
	assert_true(json_int(json_at(root, 8), &i) && i == 17);
	assert_false(json_int(json_at(root, 9), &i));
	assert_false(json_int(json_at(root, 10), &i));
	assert_false(json_int(json_at(root, 11), &i));
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json__get_each_is_json_get),
		cmocka_unit_test(test_json__numbers),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
