/* bench-run-store.c — listing a data folder with many runs
 *
 * Usage: bench-run-store DATA_DIR [ROUNDS]
 *
 * Baseline: readdir of <data>/runs plus one fstatat per run (the least any
 * listing that notices changes must do). Then, each ROUNDS times (best
 * kept): rb_run_store_list_unchecked (what the app shows first),
 * rb_run_store_check_index (what it does next, in the background) and
 * rb_run_store_list_all (what the CLI and the server do). Run it once
 * before timing so the index exists (bench/bench-app-startup.sh does).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rb-core.h"

static guint64
vm_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "\nVmRSS:")) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);
}

static guint
baseline (const char *data_dir)
{
  g_autofree char *runs = g_build_filename (data_dir, "runs", NULL);
  DIR *dir = opendir (runs);
  struct dirent *entry;
  guint count = 0;

  g_assert_nonnull (dir);
  while ((entry = readdir (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      struct stat st;

      if (entry->d_name[0] == '.')
        continue;
      path = g_build_filename (entry->d_name, "run.json", NULL);
      count += fstatat (dirfd (dir), path, &st, 0) == 0;
    }
  closedir (dir);
  return count;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(RbRunStore) store = NULL;
  double best_base = G_MAXDOUBLE, best_unchecked = G_MAXDOUBLE;
  double best_check = G_MAXDOUBLE, best_all = G_MAXDOUBLE;
  guint rounds, count = 0, listed = 0;
  guint64 rss_start, rss_unchecked = 0;

  if (argc < 2)
    {
      g_printerr ("usage: bench-run-store DATA_DIR [ROUNDS]\n");
      return 2;
    }
  rounds = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 3;
  store = rb_run_store_new (argv[1]);
  rss_start = vm_rss_kb ();

  for (guint r = 0; r < MAX (rounds, 1); r++)
    {
      g_autoptr(GPtrArray) runs = NULL;
      g_autoptr(GError) error = NULL;
      gboolean stale = FALSE;
      gint64 t0, t1, t2, t3, t4;

      t0 = g_get_monotonic_time ();
      count = baseline (argv[1]);
      t1 = g_get_monotonic_time ();
      runs = rb_run_store_list_unchecked (store, NULL, &error);
      g_assert_no_error (error);
      listed = runs->len;
      t2 = g_get_monotonic_time ();
      if (r == 0)
        rss_unchecked = vm_rss_kb ();
      g_clear_pointer (&runs, g_ptr_array_unref);
      g_assert_true (rb_run_store_check_index (store, &stale, NULL, &error));
      t3 = g_get_monotonic_time ();
      runs = rb_run_store_list_all (store, NULL, &error);
      g_assert_no_error (error);
      t4 = g_get_monotonic_time ();

      best_base = MIN (best_base, (t1 - t0) / 1e6);
      best_unchecked = MIN (best_unchecked, (t2 - t1) / 1e6);
      best_check = MIN (best_check, (t3 - t2) / 1e6);
      best_all = MIN (best_all, (t4 - t3) / 1e6);
    }

  g_print ("runs: %u (readdir found %u with run.json); best of %u rounds\n", listed, count, rounds);
  g_print ("baseline readdir + 1 stat/run: %8.3f s\n", best_base);
  g_print ("list_unchecked (app, first):  %8.3f s  = %6.1f x baseline; RSS +%" G_GUINT64_FORMAT " MB holding the runs\n",
           best_unchecked, best_unchecked / best_base, (rss_unchecked - rss_start) / 1024);
  g_print ("check_index (app, background): %8.3f s  = %6.1f x baseline\n", best_check, best_check / best_base);
  g_print ("list_all (CLI, server):        %8.3f s  = %6.1f x baseline\n", best_all, best_all / best_base);
  return 0;
}
