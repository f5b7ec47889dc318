/* rb-expr-graph.c — evaluation order of nodes, lagged loops, cycle errors
 *
 * Edges point from a node to what it reads. Strongly connected components
 * over all edges (same-bin and lagged) are the units of evaluation: a
 * component of one node without a self-edge is evaluated as a whole series;
 * any other component is a lagged loop, evaluated bin by bin in same-bin
 * dependency order — unless its same-bin edges alone contain a cycle, which
 * is an error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-expr"

#include "config.h"

#include "rb-error.h"
#include "rb-expr-private.h"

typedef struct
{
  guint    target;
  gboolean lagged;
} Edge;

typedef struct
{
  char   *name;
  GArray *edges;   /* Edge */
} GraphNode;

struct _RbExprGraph
{
  GArray     *nodes;     /* GraphNode */
  GHashTable *by_name;   /* name (owned by nodes) → index + 1 */
};

static void
graph_node_clear (gpointer data)
{
  GraphNode *node = data;

  g_free (node->name);
  g_array_unref (node->edges);
}

void
rb_expr_step_free (RbExprStep *step)
{
  if (step == NULL)
    return;
  g_free (step->nodes);
  g_free (step);
}

RbExprGraph *
rb_expr_graph_new (void)
{
  RbExprGraph *graph = g_new0 (RbExprGraph, 1);

  graph->nodes = g_array_new (FALSE, FALSE, sizeof (GraphNode));
  g_array_set_clear_func (graph->nodes, graph_node_clear);
  graph->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  return graph;
}

void
rb_expr_graph_free (RbExprGraph *graph)
{
  if (graph == NULL)
    return;
  g_hash_table_unref (graph->by_name);
  g_array_unref (graph->nodes);
  g_free (graph);
}

gboolean
rb_expr_graph_lookup (RbExprGraph *graph,
                      const char  *name,
                      guint       *index)
{
  guint found;

  g_return_val_if_fail (graph != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  found = GPOINTER_TO_UINT (g_hash_table_lookup (graph->by_name, name));
  if (found == 0)
    return FALSE;
  if (index != NULL)
    *index = found - 1;
  return TRUE;
}

guint
rb_expr_graph_add_node (RbExprGraph *graph,
                        const char  *name)
{
  GraphNode node;
  guint index;

  g_return_val_if_fail (graph != NULL, 0);
  g_return_val_if_fail (name != NULL, 0);

  if (rb_expr_graph_lookup (graph, name, &index))
    return index;

  node.name = g_strdup (name);
  node.edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  g_array_append_val (graph->nodes, node);
  index = graph->nodes->len - 1;
  g_hash_table_insert (graph->by_name, node.name, GUINT_TO_POINTER (index + 1));
  return index;
}

guint
rb_expr_graph_get_n_nodes (RbExprGraph *graph)
{
  g_return_val_if_fail (graph != NULL, 0);
  return graph->nodes->len;
}

const char *
rb_expr_graph_get_name (RbExprGraph *graph,
                        guint        index)
{
  g_return_val_if_fail (graph != NULL, NULL);
  g_return_val_if_fail (index < graph->nodes->len, NULL);
  return g_array_index (graph->nodes, GraphNode, index).name;
}

static void
add_edge (RbExprGraph *graph,
          guint        from,
          guint        to,
          gboolean     lagged)
{
  GArray *edges = g_array_index (graph->nodes, GraphNode, from).edges;
  Edge edge = { to, lagged };

  for (guint i = 0; i < edges->len; i++)
    {
      Edge *e = &g_array_index (edges, Edge, i);

      if (e->target == to && e->lagged == lagged)
        return;
    }
  g_array_append_val (edges, edge);
}

gboolean
rb_expr_graph_add_dependency (RbExprGraph *graph,
                              const char  *node,
                              const char  *depends_on,
                              gboolean     lagged)
{
  guint from, to;

  g_return_val_if_fail (graph != NULL, FALSE);

  if (!rb_expr_graph_lookup (graph, node, &from) ||
      !rb_expr_graph_lookup (graph, depends_on, &to))
    return FALSE;
  add_edge (graph, from, to, lagged);
  return TRUE;
}

typedef struct
{
  RbExprGraph  *graph;
  guint         from;
  GError      **error;
} AddEdges;

static gboolean
add_ref_edge (const RbExprNode *ref,
              gboolean          lagged,
              gpointer          user_data)
{
  AddEdges *add = user_data;
  guint to;

  if (!rb_expr_graph_lookup (add->graph, ref->name, &to))
    {
      g_set_error (add->error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "unknown node '%s' at column %u", ref->name, ref->column);
      return FALSE;
    }
  add_edge (add->graph, add->from, to, lagged);
  return TRUE;
}

gboolean
rb_expr_graph_add_expr (RbExprGraph   *graph,
                        const char    *node,
                        const RbExpr  *expr,
                        GError       **error)
{
  AddEdges add;
  guint from;

  g_return_val_if_fail (graph != NULL, FALSE);
  g_return_val_if_fail (expr != NULL, FALSE);

  if (!rb_expr_graph_lookup (graph, node, &from))
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "unknown node '%s'", node);
      return FALSE;
    }
  add.graph = graph;
  add.from = from;
  add.error = error;
  return _rb_expr_foreach_ref (expr, add_ref_edge, &add);
}

static GArray *
edges_of (RbExprGraph *graph,
          guint        index)
{
  return g_array_index (graph->nodes, GraphNode, index).edges;
}

/* --- strongly connected components (Tarjan, iterative) ------------------- */

typedef struct
{
  guint node;
  guint next_edge;
} Frame;

/* Fills @component (node → component number, numbered in completion order,
 * which puts what a node reads before the node) and returns the count. */
static guint
find_components (RbExprGraph *graph,
                 guint       *component)
{
  const guint n = graph->nodes->len;
  const guint unvisited = G_MAXUINT;
  g_autofree guint *index = g_new (guint, n);
  g_autofree guint *low = g_new (guint, n);
  g_autofree gboolean *on_stack = g_new0 (gboolean, n);
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (Frame));
  guint next_index = 0;
  guint n_components = 0;

  for (guint i = 0; i < n; i++)
    index[i] = unvisited;

  for (guint root = 0; root < n; root++)
    {
      Frame start = { root, 0 };

      if (index[root] != unvisited)
        continue;

      index[root] = low[root] = next_index++;
      g_array_append_val (stack, root);
      on_stack[root] = TRUE;
      g_array_append_val (frames, start);

      while (frames->len > 0)
        {
          Frame *frame = &g_array_index (frames, Frame, frames->len - 1);
          guint v = frame->node;
          GArray *edges = edges_of (graph, v);

          if (frame->next_edge < edges->len)
            {
              guint w = g_array_index (edges, Edge, frame->next_edge).target;

              frame->next_edge++;
              if (index[w] == unvisited)
                {
                  Frame child = { w, 0 };

                  index[w] = low[w] = next_index++;
                  g_array_append_val (stack, w);
                  on_stack[w] = TRUE;
                  g_array_append_val (frames, child);
                }
              else if (on_stack[w])
                low[v] = MIN (low[v], index[w]);
              continue;
            }

          /* v is done. */
          if (low[v] == index[v])
            {
              guint w;

              do
                {
                  w = g_array_index (stack, guint, stack->len - 1);
                  g_array_set_size (stack, stack->len - 1);
                  on_stack[w] = FALSE;
                  component[w] = n_components;
                }
              while (w != v);
              n_components++;
            }
          g_array_set_size (frames, frames->len - 1);
          if (frames->len > 0)
            {
              guint parent = g_array_index (frames, Frame, frames->len - 1).node;

              low[parent] = MIN (low[parent], low[v]);
            }
        }
    }
  return n_components;
}

/* --- order inside one component ------------------------------------------ */

enum { WHITE, GREY, BLACK };

/* Depth-first over same-bin edges inside component @comp from @members (in
 * index order); appends the post-order (dependencies first) to @order.
 * A same-bin edge back to a grey node is a cycle. */
static gboolean
order_component (RbExprGraph  *graph,
                 const guint  *component,
                 guint         comp,
                 GArray       *members,
                 guint8       *colour,
                 GArray       *order,
                 GError      **error)
{
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (Frame));

  for (guint m = 0; m < members->len; m++)
    {
      guint root = g_array_index (members, guint, m);
      Frame start = { root, 0 };

      if (colour[root] != WHITE)
        continue;
      colour[root] = GREY;
      g_array_append_val (frames, start);

      while (frames->len > 0)
        {
          Frame *frame = &g_array_index (frames, Frame, frames->len - 1);
          guint v = frame->node;
          GArray *edges = edges_of (graph, v);

          if (frame->next_edge < edges->len)
            {
              Edge *e = &g_array_index (edges, Edge, frame->next_edge);
              guint w = e->target;

              frame->next_edge++;
              if (e->lagged || component[w] != comp)
                continue;
              if (colour[w] == WHITE)
                {
                  Frame child = { w, 0 };

                  colour[w] = GREY;
                  g_array_append_val (frames, child);
                }
              else if (colour[w] == GREY)
                {
                  GString *path = g_string_new (NULL);
                  guint from = 0;

                  while (g_array_index (frames, Frame, from).node != w)
                    from++;
                  for (guint i = from; i < frames->len; i++)
                    g_string_append_printf (path, "%s → ",
                                            rb_expr_graph_get_name (graph,
                                                                    g_array_index (frames, Frame, i).node));
                  g_string_append (path, rb_expr_graph_get_name (graph, w));
                  g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                               "cycle between nodes %s", path->str);
                  g_string_free (path, TRUE);
                  return FALSE;
                }
              continue;
            }

          colour[v] = BLACK;
          g_array_append_val (order, v);
          g_array_set_size (frames, frames->len - 1);
        }
    }
  return TRUE;
}

static gboolean
has_self_edge (RbExprGraph *graph,
               guint        v)
{
  GArray *edges = edges_of (graph, v);

  for (guint i = 0; i < edges->len; i++)
    if (g_array_index (edges, Edge, i).target == v)
      return TRUE;
  return FALSE;
}

GPtrArray *
rb_expr_graph_plan (RbExprGraph  *graph,
                    GError      **error)
{
  g_autofree guint *component = NULL;
  g_autofree guint8 *colour = NULL;
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  guint n_components;
  guint n;

  g_return_val_if_fail (graph != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n = graph->nodes->len;
  component = g_new (guint, MAX (n, 1));
  colour = g_new0 (guint8, MAX (n, 1));

  n_components = find_components (graph, component);

  /* Members of each component in index order. */
  members = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint c = 0; c < n_components; c++)
    g_ptr_array_add (members, g_array_new (FALSE, FALSE, sizeof (guint)));
  for (guint v = 0; v < n; v++)
    g_array_append_val ((GArray *) g_ptr_array_index (members, component[v]), v);

  steps = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_expr_step_free);
  for (guint c = 0; c < n_components; c++)
    {
      GArray *comp_members = g_ptr_array_index (members, c);
      g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
      RbExprStep *step;

      if (!order_component (graph, component, c, comp_members, colour, order, error))
        return NULL;

      step = g_new0 (RbExprStep, 1);
      step->n_nodes = order->len;
      step->lagged_loop = order->len > 1 ||
                          has_self_edge (graph, g_array_index (order, guint, 0));
      step->nodes = (guint *) g_array_free (g_steal_pointer (&order), FALSE);
      g_ptr_array_add (steps, step);
    }

  return g_steal_pointer (&steps);
}

GPtrArray *
rb_expr_order_nodes (const char * const  *names,
                     RbExpr * const      *exprs,
                     guint                n,
                     GError             **error)
{
  g_autoptr(RbExprGraph) graph = rb_expr_graph_new ();

  g_return_val_if_fail (names != NULL || n == 0, NULL);

  for (guint i = 0; i < n; i++)
    if (rb_expr_graph_add_node (graph, names[i]) != i)
      {
        g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                     "duplicate node '%s'", names[i]);
        return NULL;
      }

  for (guint i = 0; i < n; i++)
    if (exprs != NULL && exprs[i] != NULL &&
        !rb_expr_graph_add_expr (graph, names[i], exprs[i], error))
      {
        g_prefix_error (error, "node '%s': ", names[i]);
        return NULL;
      }

  return rb_expr_graph_plan (graph, error);
}
