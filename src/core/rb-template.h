/* rb-template.h — templates and the template catalogue
 *
 * engine.md "Templates": the id is metadata.id; parameters are merged
 * (defaults, then the request), validated (type, range, required) and
 * substituted as text for every ${name}; window.start is copied to
 * grid.start. Errors: RB_ERROR_INVALID_TEMPLATE (the file), or
 * RB_ERROR_INVALID_PARAMETER with field "parameters.<name>".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char     *name;
  char     *type;          /* integer | number | boolean | string | array */
  char     *title;         /* nullable */
  char     *description;   /* nullable */
  JsonNode *default_value; /* nullable */
  gboolean  has_min;
  double    min;
  gboolean  has_max;
  double    max;
  char     *array_of;      /* nullable: element type for arrays */
  gboolean  required;
} RbTemplateParameter;

#define RB_TYPE_TEMPLATE (rb_template_get_type ())

G_DECLARE_FINAL_TYPE (RbTemplate, rb_template, RB, TEMPLATE, GObject)

RbTemplate  *rb_template_new_from_data       (const char   *text,
                                              gsize         length,
                                              const char   *display_name,
                                              GError      **error);
/* From a TemplateSummary/Template JSON object (remote backend). */
RbTemplate  *rb_template_new_from_json       (JsonObject   *object,
                                              GError      **error);

const char  *rb_template_get_id              (RbTemplate   *self);
const char  *rb_template_get_title           (RbTemplate   *self);
const char  *rb_template_get_version         (RbTemplate   *self);
const char  *rb_template_get_description     (RbTemplate   *self);
const char  *rb_template_get_narrative       (RbTemplate   *self);
const char  *rb_template_get_mode            (RbTemplate   *self);
const char  *rb_template_get_capture_key     (RbTemplate   *self);   /* nullable */
const char * const *rb_template_get_tags     (RbTemplate   *self);
GPtrArray   *rb_template_get_parameters      (RbTemplate   *self);   /* of RbTemplateParameter* */
/* The parameter called @name, or NULL. */
const RbTemplateParameter *
             rb_template_find_parameter      (RbTemplate   *self,
                                              const char   *name);
/* The file name the template was read from ("Template <id>" for one built
 * from JSON); used in messages. */
const char  *rb_template_get_display_name    (RbTemplate   *self);

/* Merges defaults with @request (nullable), validates every value and
 * returns the model YAML text. *merged (optional) receives the merged
 * values (a new object, keys in the template's parameter order). */
char        *rb_template_instantiate         (RbTemplate   *self,
                                              JsonObject   *request,
                                              JsonObject  **merged,
                                              GError      **error);

/* api.md TemplateSummary and Template shapes. */
JsonNode    *rb_template_to_summary_json     (RbTemplate   *self);
JsonNode    *rb_template_to_json             (RbTemplate   *self);

#define RB_TYPE_TEMPLATE_CATALOG (rb_template_catalog_get_type ())

G_DECLARE_FINAL_TYPE (RbTemplateCatalog, rb_template_catalog, RB, TEMPLATE_CATALOG, GObject)

/* Shipped templates from $RUNBOARD_TEMPLATE_DIR (uninstalled builds) or the
 * install prefix, then <data_dir>/templates/ (*.yaml) overriding the same id. */
RbTemplateCatalog *rb_template_catalog_new   (const char        *data_dir);
/* Every readable template sorted by id; unreadable files are skipped with a
 * g_warning naming the file. */
GPtrArray   *rb_template_catalog_list        (RbTemplateCatalog *self,
                                              GError           **error);
/* 400 invalid id, 404 unknown. */
RbTemplate  *rb_template_catalog_get         (RbTemplateCatalog *self,
                                              const char        *template_id,
                                              GError           **error);

G_END_DECLS
