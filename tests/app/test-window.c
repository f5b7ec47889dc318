/* test-window.c — the main window over a temp copy of the sample data
 *
 * Needs a display: prints a TAP skip-all without one (run under xvfb-run).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "rb-data-dir.h"
#include "rb-local-backend.h"
#include "rb-run-detail.h"
#include "rb-run-row.h"
#include "rb-run-store.h"
#include "rb-test-util.h"
#include "rb-window.h"

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();

  return g_test_run ();
}
