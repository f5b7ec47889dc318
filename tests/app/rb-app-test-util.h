/* rb-app-test-util.h — widget-tree helpers shared by the app tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The first widget of @type under @root (depth first, @root included). */
GtkWidget *rb_app_test_find_widget         (GtkWidget  *root,
                                            GType       type);
/* The first GtkButton under @root whose label is @label. */
GtkWidget *rb_app_test_find_button         (GtkWidget  *root,
                                            const char *label);
/* The first AdwPreferencesRow under @root titled @title (or starting with
 * it when @prefix). */
GtkWidget *rb_app_test_find_row            (GtkWidget  *root,
                                            const char *title,
                                            gboolean    prefix);
/* The first toplevel window of @type, or NULL. */
gpointer   rb_app_test_find_toplevel       (GType       type);
/* Whether @widget and all its ancestors are visible. */
gboolean   rb_app_test_shown               (GtkWidget  *widget);
/* Whether a visible label under @root reads exactly @text. */
gboolean   rb_app_test_has_label           (GtkWidget  *root,
                                            const char *text);

/* Walks every widget under @root (shown or not) and fails the test when a
 * label, tooltip, window title or editable text contains @folder (the
 * data folder; nullable), its last component, or anything that looks like
 * an absolute filesystem path ("/segment…" at the start of the text or
 * after a space, bracket or quote). @exempt (nullable) and everything
 * under it are skipped: the Preferences data folder row. Returns how many
 * texts were looked at, so a test can tell the walk saw something. */
guint      rb_app_test_assert_no_path      (GtkWidget  *root,
                                            const char *folder,
                                            GtkWidget  *exempt);
/* Whether @text contains @folder, its last component or an absolute
 * path, as above. */
gboolean   rb_app_test_text_has_path       (const char *text,
                                            const char *folder);

G_END_DECLS
