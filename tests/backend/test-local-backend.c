/* test-local-backend.c — RbLocalBackend over a temp copy of the sample data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "rb-data-dir.h"
#include "rb-error.h"
#include "rb-local-backend.h"
#include "rb-run-store.h"
#include "rb-test-util.h"

typedef struct
{
  char           *tmp;
  char           *data_dir;
  RbLocalBackend *backend;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *sample = rb_test_data_path ("sample", NULL);

  f->tmp = rb_test_make_temp_dir ();
  f->data_dir = g_build_filename (f->tmp, "data", NULL);
  rb_test_copy_tree (sample, f->data_dir);
  f->backend = rb_local_backend_new (f->data_dir);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  rb_test_assert_finalized_soon (f->backend);
  rb_test_remove_tree (f->tmp);
  g_free (f->data_dir);
  g_free (f->tmp);
}

/* Spins the default main context until *flag or @timeout_ms passed. */
static gboolean
spin_until (const gboolean *flag,
            guint           timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!*flag && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  return *flag;
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static GPtrArray *
list_runs (Fixture       *f,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  rb_backend_list_runs_async (RB_BACKEND (f->backend), cancellable, store_result_cb, &result);
  return rb_backend_list_runs_finish (RB_BACKEND (f->backend), wait_result (&result), error);
}

static RbRun *
get_run (Fixture     *f,
         const char  *run_id,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  rb_backend_get_run_async (RB_BACKEND (f->backend), run_id, NULL, store_result_cb, &result);
  return rb_backend_get_run_finish (RB_BACKEND (f->backend), wait_result (&result), error);
}

static void
test_display_name (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_cmpstr (rb_backend_get_display_name (RB_BACKEND (f->backend)), ==, "Local");
  g_assert_cmpstr (rb_local_backend_get_data_dir (f->backend), ==, f->data_dir);
}

static void
test_list_matches_store (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(RbRunStore) store = rb_run_store_new (f->data_dir);
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  guint n_broken = 0;

  expected = rb_run_store_list_all (store, NULL, &error);
  g_assert_no_error (error);
  runs = list_runs (f, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (runs);

  /* The sample has runs of both eras, a replay and a broken run. */
  g_assert_cmpuint (runs->len, >=, 4);
  g_assert_cmpuint (runs->len, ==, expected->len);

  for (guint i = 0; i < runs->len; i++)
    {
      RbRun *run = g_ptr_array_index (runs, i);

      g_assert_true (RB_IS_RUN (run));
      g_assert_cmpstr (rb_run_get_run_id (run), ==,
                       rb_run_get_run_id (g_ptr_array_index (expected, i)));

      /* Created, newest first; broken runs last. */
      if (i > 0)
        g_assert_cmpint (rb_run_compare (g_ptr_array_index (runs, i - 1), run,
                                         RB_RUN_SORT_CREATED, TRUE), <=, 0);
      if (rb_run_get_diagnostic (run) != NULL)
        n_broken++;
      else
        g_assert_cmpuint (n_broken, ==, 0);
    }

  g_assert_cmpuint (n_broken, >=, 1);
}

static void
test_list_cancelled (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  runs = list_runs (f, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (runs);
}

static void
test_get_run (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  guint n_checked = 0;

  runs = list_runs (f, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < runs->len; i++)
    {
      RbRun *summary = g_ptr_array_index (runs, i);
      const char *run_id = rb_run_get_run_id (summary);
      g_autoptr(RbRun) run = NULL;
      g_autoptr(GError) get_error = NULL;

      run = get_run (f, run_id, &get_error);

      if (rb_run_get_diagnostic (summary) != NULL)
        {
          /* A broken run is listed, but reading it is 422 naming the file. */
          g_assert_error (get_error, RB_ERROR, RB_ERROR_RUN_UNREADABLE);
          g_assert_null (run);
          g_assert_null (strstr (get_error->message, f->tmp));
          continue;
        }

      g_assert_no_error (get_error);
      g_assert_true (RB_IS_RUN (run));
      g_assert_true (rb_run_has_detail (run));
      g_assert_cmpstr (rb_run_get_run_id (run), ==, run_id);
      g_assert_cmpstr (rb_run_get_template_title (run), ==, rb_run_get_template_title (summary));
      g_assert_cmpuint (rb_run_get_warning_count (run), ==, rb_run_get_warning_count (summary));
      g_assert_nonnull (rb_run_get_parameters (run));
      n_checked++;
    }

  g_assert_cmpuint (n_checked, >=, 3);
}

static void
test_get_run_errors (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(RbRun) missing = NULL;
  g_autoptr(RbRun) invalid = NULL;
  g_autoptr(GError) error = NULL;

  missing = get_run (f, "run_20000101T000000Z_deadbeef", &error);
  g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
  g_assert_null (missing);
  g_clear_error (&error);

  /* Never reaches the file system. */
  invalid = get_run (f, "../../etc", &error);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_null (invalid);
}

static void
on_changed_cb (RbBackend *backend,
               gboolean  *fired)
{
  *fired = TRUE;
}

static void
test_changed_on_stamp (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gboolean fired = FALSE;
  gulong handler;

  g_assert_true (rb_data_dir_ensure (f->data_dir, &error));
  g_assert_no_error (error);

  handler = g_signal_connect (f->backend, "changed", G_CALLBACK (on_changed_cb), &fired);

  /* Let the monitors settle, and drain events from ensure(): GFileMonitor
   * reports a "virtual" changes-done 2 s after a file is created, so wait
   * for a quiet spell longer than that. */
  do
    fired = FALSE;
  while (spin_until (&fired, 2500));

  g_assert_true (rb_data_dir_touch_stamp (f->data_dir, &error));
  g_assert_no_error (error);
  g_assert_true (spin_until (&fired, 5000));

  /* Debounced: one burst, one signal; then quiet. */
  fired = FALSE;
  g_assert_false (spin_until (&fired, 500));

  g_signal_handler_disconnect (f->backend, handler);
}

static void
test_changed_on_new_run_folder (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->data_dir, "runs", "run_20300101T000000Z_0badc0de", NULL);
  gboolean fired = FALSE;
  gulong handler;

  handler = g_signal_connect (f->backend, "changed", G_CALLBACK (on_changed_cb), &fired);
  spin_until (&fired, 300);
  fired = FALSE;

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_true (spin_until (&fired, 5000));

  g_signal_handler_disconnect (f->backend, handler);
}

static RbRun *
find_listed (GPtrArray  *runs,
             const char *run_id)
{
  for (guint i = 0; i < runs->len; i++)
    if (g_strcmp0 (rb_run_get_run_id (g_ptr_array_index (runs, i)), run_id) == 0)
      return g_ptr_array_index (runs, i);
  return NULL;
}

/* The list comes from <data>/.runboard/index without looking at the
 * files, then a check in the background: a run edited behind the index
 * is shown as it was, then "changed" makes the next listing right. */
static void
test_changed_on_stale_index (Fixture       *f,
                             gconstpointer  data)
{
  static const char *run_id = "run_20261122T093000Z_5e6f7a8b";
  g_autofree char *index = g_build_filename (f->data_dir, ".runboard", "index", NULL);
  g_autofree char *metadata = g_build_filename (f->data_dir, "runs", run_id, "model",
                                                "metadata.json", NULL);
  g_autoptr(RbLocalBackend) backend = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *title = NULL;
  g_auto(GStrv) parts = NULL;
  gboolean fired = FALSE;
  gulong handler;

  /* A folder Runboard set up keeps an index; a backend made after that
   * sees no events from setting it up. */
  g_assert_true (rb_data_dir_ensure (f->data_dir, &error));
  g_assert_no_error (error);
  backend = rb_local_backend_new (f->data_dir);
  handler = g_signal_connect (backend, "changed", G_CALLBACK (on_changed_cb), &fired);
  {
    g_autoptr(GAsyncResult) result = NULL;

    rb_backend_list_runs_async (RB_BACKEND (backend), NULL, store_result_cb, &result);
    runs = rb_backend_list_runs_finish (RB_BACKEND (backend), wait_result (&result), &error);
  }
  g_assert_no_error (error);
  title = g_strdup (rb_run_get_template_title (find_listed (runs, run_id)));
  /* The check writes the index: nothing was stale. */
  {
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    while (!g_file_test (index, G_FILE_TEST_IS_REGULAR) && g_get_monotonic_time () < deadline)
      spin_until (&fired, 10);
  }
  g_assert_true (g_file_test (index, G_FILE_TEST_IS_REGULAR));
  g_assert_false (spin_until (&fired, 300));

  /* Edited in place (the runs/ monitor does not see inside a run). */
  g_assert_true (g_file_get_contents (metadata, &text, NULL, NULL));
  parts = g_strsplit (text, title, 2);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  g_clear_pointer (&text, g_free);
  text = g_strjoinv ("Edited Title", parts);
  rb_test_write_file (metadata, text, -1);

  g_clear_pointer (&runs, g_ptr_array_unref);
  {
    g_autoptr(GAsyncResult) result = NULL;

    rb_backend_list_runs_async (RB_BACKEND (backend), NULL, store_result_cb, &result);
    runs = rb_backend_list_runs_finish (RB_BACKEND (backend), wait_result (&result), &error);
  }
  g_assert_no_error (error);
  g_assert_cmpstr (rb_run_get_template_title (find_listed (runs, run_id)), ==, title);
  g_assert_true (spin_until (&fired, 5000));

  g_clear_pointer (&runs, g_ptr_array_unref);
  {
    g_autoptr(GAsyncResult) result = NULL;

    rb_backend_list_runs_async (RB_BACKEND (backend), NULL, store_result_cb, &result);
    runs = rb_backend_list_runs_finish (RB_BACKEND (backend), wait_result (&result), &error);
  }
  g_assert_no_error (error);
  g_assert_cmpstr (rb_run_get_template_title (find_listed (runs, run_id)), ==, "Edited Title");

  /* Checked again after that listing: nothing stale, no signal. */
  fired = FALSE;
  g_assert_false (spin_until (&fired, 1000));
  g_signal_handler_disconnect (backend, handler);
  rb_test_assert_finalized_soon (g_steal_pointer (&backend));
}

static char *
run_ids (GPtrArray *runs)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < runs->len; i++)
    g_string_append_printf (out, "%s\n", rb_run_get_run_id (g_ptr_array_index (runs, i)));
  return g_string_free (out, FALSE);
}

/* The app prefetches before GTK starts up: the first listing (waiting for
 * the prefetch or taking it once done) is the same as a plain one, and a
 * change in between drops a prefetch nobody took, so the next listing
 * reads the folder again. */
static void
test_prefetch (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(RbRunStore) store = rb_run_store_new (f->data_dir);
  g_autofree char *dir = g_build_filename (f->data_dir, "runs", "run_20300101T000000Z_0badc0de", NULL);
  g_autofree char *source = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_ids = NULL;
  gboolean fired = FALSE;
  gulong handler;

  expected = rb_run_store_list_all (store, NULL, &error);
  g_assert_no_error (error);
  expected_ids = run_ids (expected);

  /* Waiting for it (asked for at once), then taking it when done. */
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GPtrArray) runs = NULL;
      g_autofree char *ids = NULL;

      rb_local_backend_prefetch_runs (f->backend);
      if (round == 1)
        g_usleep (500 * 1000);
      runs = list_runs (f, NULL, &error);
      g_assert_no_error (error);
      ids = run_ids (runs);
      g_assert_cmpstr (ids, ==, expected_ids);
    }

  /* A run appears after the prefetch: the next listing has it. */
  handler = g_signal_connect (f->backend, "changed", G_CALLBACK (on_changed_cb), &fired);
  spin_until (&fired, 300);
  fired = FALSE;
  rb_local_backend_prefetch_runs (f->backend);
  g_usleep (500 * 1000);
  source = g_build_filename (f->data_dir, "runs", rb_run_get_run_id (g_ptr_array_index (expected, 0)), NULL);
  rb_test_copy_tree (source, dir);
  g_assert_true (spin_until (&fired, 5000));
  {
    g_autoptr(GPtrArray) runs = list_runs (f, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (runs->len, ==, expected->len + 1);
    g_assert_nonnull (find_listed (runs, "run_20300101T000000Z_0badc0de"));
  }
  g_signal_handler_disconnect (f->backend, handler);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/backend/local/display-name", test_display_name);
  ADD ("/backend/local/list/matches-store", test_list_matches_store);
  ADD ("/backend/local/list/cancelled", test_list_cancelled);
  ADD ("/backend/local/get/all", test_get_run);
  ADD ("/backend/local/get/errors", test_get_run_errors);
  ADD ("/backend/local/changed/stamp", test_changed_on_stamp);
  ADD ("/backend/local/changed/new-run-folder", test_changed_on_new_run_folder);
  ADD ("/backend/local/changed/stale-index", test_changed_on_stale_index);
  ADD ("/backend/local/list/prefetch", test_prefetch);
#undef ADD

  return g_test_run ();
}
