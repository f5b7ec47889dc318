/* test-run-list.c — RbRunList, the window's list of runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "rb-run-list.h"
#include "rb-run-store.h"
#include "rb-test-util.h"

typedef struct
{
  guint calls;
  guint position;
  guint removed;
  guint added;
} Changes;

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     Changes    *changes)
{
  changes->calls++;
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
}

static GPtrArray *
sample_runs (void)
{
  g_autofree char *sample = rb_test_data_path ("sample", NULL);
  g_autoptr(RbRunStore) store = rb_run_store_new (sample);
  g_autoptr(GError) error = NULL;
  GPtrArray *runs = rb_run_store_list_all (store, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, >, 2);
  return runs;
}

/* Replacing is one items-changed for the whole list, the items are the
 * listed runs in their order, and NULL empties the list. */
static void
test_replace (void)
{
  g_autoptr(RbRunList) list = rb_run_list_new ();
  g_autoptr(GPtrArray) runs = sample_runs ();
  g_autoptr(GPtrArray) fewer = g_ptr_array_new_with_free_func (g_object_unref);
  Changes changes = { 0 };

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed_cb), &changes);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == RB_TYPE_RUN);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);

  rb_run_list_replace (list, runs);
  g_assert_cmpuint (changes.calls, ==, 1);
  g_assert_cmpuint (changes.position, ==, 0);
  g_assert_cmpuint (changes.removed, ==, 0);
  g_assert_cmpuint (changes.added, ==, runs->len);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, runs->len);
  for (guint i = 0; i < runs->len; i++)
    {
      g_autoptr(RbRun) run = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_true (run == g_ptr_array_index (runs, i));
    }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), runs->len));

  g_ptr_array_add (fewer, g_object_ref (g_ptr_array_index (runs, 1)));
  rb_run_list_replace (list, fewer);
  g_assert_cmpuint (changes.calls, ==, 2);
  g_assert_cmpuint (changes.removed, ==, runs->len);
  g_assert_cmpuint (changes.added, ==, 1);
  {
    g_autoptr(RbRun) run = g_list_model_get_item (G_LIST_MODEL (list), 0);

    g_assert_true (run == g_ptr_array_index (runs, 1));
  }

  rb_run_list_replace (list, NULL);
  g_assert_cmpuint (changes.calls, ==, 3);
  g_assert_cmpuint (changes.removed, ==, 1);
  g_assert_cmpuint (changes.added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);

  /* Empty to empty: nothing to announce. */
  rb_run_list_replace (list, NULL);
  g_assert_cmpuint (changes.calls, ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/run-list/replace", test_replace);

  return g_test_run ();
}
