/* test-renderer.c — which renderer the app asks GTK for
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "rb-application.h"
#include "rb-test-util.h"

/* No render node (no such folder, an empty one, only a card node): cairo,
 * since GL would run in software. A render node: GTK's own choice. */
static void
test_pick (void)
{
  g_autofree char *tmp = rb_test_make_temp_dir ();
  g_autofree char *missing = g_build_filename (tmp, "missing", NULL);
  g_autofree char *card = g_build_filename (tmp, "card0", NULL);
  g_autofree char *render = g_build_filename (tmp, "renderD128", NULL);

  g_assert_cmpstr (rb_application_pick_renderer (missing), ==, "cairo");
  g_assert_cmpstr (rb_application_pick_renderer (tmp), ==, "cairo");
  rb_test_write_file (card, "", 0);
  g_assert_cmpstr (rb_application_pick_renderer (tmp), ==, "cairo");
  rb_test_write_file (render, "", 0);
  g_assert_null (rb_application_pick_renderer (tmp));
  rb_test_remove_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/renderer/pick", test_pick);

  return g_test_run ();
}
