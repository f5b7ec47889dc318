/* rb-app-test-util.c — widget-tree helpers shared by the app tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "rb-app-test-util.h"

GtkWidget *
rb_app_test_find_widget (GtkWidget *root,
                         GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = rb_app_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
rb_app_test_find_button (GtkWidget  *root,
                         const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = rb_app_test_find_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
rb_app_test_find_row (GtkWidget  *root,
                      const char *title,
                      gboolean    prefix)
{
  if (ADW_IS_PREFERENCES_ROW (root))
    {
      const char *row_title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root));

      if (row_title != NULL &&
          (prefix ? g_str_has_prefix (row_title, title) : g_str_equal (row_title, title)))
        return root;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = rb_app_test_find_row (child, title, prefix);

      if (found != NULL)
        return found;
    }

  return NULL;
}

gpointer
rb_app_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }

  return NULL;
}

gboolean
rb_app_test_shown (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (!gtk_widget_get_visible (widget))
      return FALSE;

  return TRUE;
}

gboolean
rb_app_test_has_label (GtkWidget  *root,
                       const char *text)
{
  if (!gtk_widget_get_visible (root))
    return FALSE;
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (rb_app_test_has_label (child, text))
      return TRUE;

  return FALSE;
}

gboolean
rb_app_test_text_has_path (const char *text,
                           const char *folder)
{
  static GRegex *absolute = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;

  if (folder != NULL)
    {
      g_autofree char *base = g_path_get_basename (folder);

      if (strstr (text, folder) != NULL || strstr (text, base) != NULL)
        return TRUE;
    }

  /* "/x…" at the start or after a space, bracket or quote: a path, and
   * never part of a URL ("http://…") or markup ("</b>"). */
  if (absolute == NULL)   /* the tests run on one thread */
    absolute = g_regex_new ("(^|[\\s(\\[«“‘\"'=])/[[:alnum:]._~-]+", G_REGEX_OPTIMIZE, 0, NULL);

  return g_regex_match (absolute, text, 0, NULL);
}

static void
check_text (const char *what,
            const char *text,
            GtkWidget  *widget,
            const char *folder,
            guint      *n_texts)
{
  if (text == NULL || *text == '\0')
    return;

  (*n_texts)++;
  if (rb_app_test_text_has_path (text, folder))
    g_error ("A %s of a %s shows a filesystem path: «%s»",
             what, G_OBJECT_TYPE_NAME (widget), text);
}

static void
walk (GtkWidget  *widget,
      const char *folder,
      GtkWidget  *exempt,
      guint      *n_texts)
{
  if (widget == exempt)
    return;

  if (GTK_IS_LABEL (widget))
    check_text ("label", gtk_label_get_label (GTK_LABEL (widget)), widget, folder, n_texts);
  if (GTK_IS_EDITABLE (widget))
    check_text ("text field", gtk_editable_get_text (GTK_EDITABLE (widget)), widget, folder, n_texts);
  if (GTK_IS_WINDOW (widget))
    check_text ("title", gtk_window_get_title (GTK_WINDOW (widget)), widget, folder, n_texts);
  if (GTK_IS_BUTTON (widget))
    check_text ("button label", gtk_button_get_label (GTK_BUTTON (widget)), widget, folder, n_texts);
  if (ADW_IS_PREFERENCES_ROW (widget))
    check_text ("row title", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)),
                widget, folder, n_texts);
  if (ADW_IS_ACTION_ROW (widget))
    check_text ("row subtitle", adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)),
                widget, folder, n_texts);
  if (ADW_IS_STATUS_PAGE (widget))
    {
      check_text ("status title", adw_status_page_get_title (ADW_STATUS_PAGE (widget)),
                  widget, folder, n_texts);
      check_text ("status description", adw_status_page_get_description (ADW_STATUS_PAGE (widget)),
                  widget, folder, n_texts);
    }
  check_text ("tooltip", gtk_widget_get_tooltip_text (widget), widget, folder, n_texts);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    walk (child, folder, exempt, n_texts);
}

guint
rb_app_test_assert_no_path (GtkWidget  *root,
                            const char *folder,
                            GtkWidget  *exempt)
{
  guint n_texts = 0;

  walk (root, folder, exempt, &n_texts);

  return n_texts;
}
