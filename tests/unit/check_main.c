/*
 * The Check runner: every suite named in suites.def.  CK_RUN_SUITE and
 * CK_RUN_CASE (Check's own variables) pick one suite or case.
 */
#include <stdlib.h>

#include <check.h>

#include "core/proto.h"

#define SUITE(n) Suite *suite_##n(void);
#include "suites.def"
#undef SUITE

int
main(void)
{
	SRunner *sr;
	int failed;

	proto_init();
	sr = srunner_create(NULL);
#define SUITE(n) srunner_add_suite(sr, suite_##n());
#include "suites.def"
#undef SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
