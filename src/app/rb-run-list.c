/* rb-run-list.c — the listed runs as a GListModel, replaced whole
 *
 * The window's list is always replaced as a whole by a backend's new
 * listing. GListStore would insert 100 000 runs one by one into its
 * GSequence (160 ms on the main thread); this keeps the backend's array
 * as it came, so replacing is one items-changed and getting an item is
 * an index.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-run-list"

#include "config.h"

#include "rb-run-list.h"

struct _RbRunList
{
  GObject    parent_instance;

  GPtrArray *runs;   /* of RbRun */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RbRunList, rb_run_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
rb_run_list_get_item_type (GListModel *model)
{
  return RB_TYPE_RUN;
}

static guint
rb_run_list_get_n_items (GListModel *model)
{
  return RB_RUN_LIST (model)->runs->len;
}

static gpointer
rb_run_list_get_item (GListModel *model,
                      guint       position)
{
  RbRunList *self = RB_RUN_LIST (model);

  if (position >= self->runs->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->runs, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = rb_run_list_get_item_type;
  iface->get_n_items = rb_run_list_get_n_items;
  iface->get_item = rb_run_list_get_item;
}

static void
rb_run_list_finalize (GObject *object)
{
  RbRunList *self = (RbRunList *)object;

  g_clear_pointer (&self->runs, g_ptr_array_unref);

  G_OBJECT_CLASS (rb_run_list_parent_class)->finalize (object);
}

static void
rb_run_list_class_init (RbRunListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rb_run_list_finalize;
}

static void
rb_run_list_init (RbRunList *self)
{
  self->runs = g_ptr_array_new_with_free_func (g_object_unref);
}

RbRunList *
rb_run_list_new (void)
{
  return g_object_new (RB_TYPE_RUN_LIST, NULL);
}

void
rb_run_list_replace (RbRunList *self,
                     GPtrArray *runs)
{
  g_autoptr(GPtrArray) old = NULL;

  g_return_if_fail (RB_IS_RUN_LIST (self));

  old = g_steal_pointer (&self->runs);
  self->runs = runs != NULL ? g_ptr_array_ref (runs) : g_ptr_array_new_with_free_func (g_object_unref);
  if (old->len > 0 || self->runs->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old->len, self->runs->len);
}
