/* telemetry-helper.c — one generation in a child process, for the crash and
 * process-concurrency tests of test-telemetry.
 *
 * Usage: telemetry-helper DATA_DIR RUN_ID KEY|- OVERWRITE(0|1)
 * Prints "generated", "exists" or "error <code>" and exits 0 (1 on error).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "rb-error.h"
#include "rb-telemetry.h"

static void
quiet_log (const char     *log_domain,
           GLogLevelFlags  log_level,
           const char     *message,
           gpointer        user_data)
{
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(RbCaptureRequest) request = NULL;
  g_autoptr(RbCaptureResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (argc != 5)
    {
      fprintf (stderr, "usage: telemetry-helper DATA_DIR RUN_ID KEY|- OVERWRITE\n");
      return 2;
    }
  g_log_set_handler ("rb-telemetry", G_LOG_LEVEL_MESSAGE, quiet_log, NULL);

  request = rb_capture_request_new (argv[2]);
  if (strcmp (argv[3], "-") == 0)
    request->run_scoped = TRUE;
  else
    request->capture_key = g_strdup (argv[3]);
  request->overwrite = strcmp (argv[4], "1") == 0;

  result = rb_telemetry_generate (argv[1], NULL, request, NULL, NULL, NULL, &error);
  if (result == NULL)
    {
      printf ("error %s\n", rb_error_code_to_string (rb_error_get_code (error)));
      return 1;
    }
  printf ("%s\n", rb_capture_result_get_already_exists (result) ? "exists" : "generated");
  return 0;
}
