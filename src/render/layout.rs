//! Where the boxes of a menu drawing go: a layered tree layout, of only the boxes shown.
//!
//! Menus are trees with a few back edges (a "back" or "main menu" option, a `then` to a parent,
//! a fallback to the agent). The layout walks the menu breadth first from the entry: a node's
//! layer is its depth, the first edge that reaches a node makes it a child of that node, and the
//! tree is drawn tidily (leaves side by side in the order their options are written, each
//! parent centred over its children). Nodes the entry cannot reach go in rows below the tree,
//! in file order, wrapped to the width of the tree (or of a square, when they outnumber it).
//!
//! Only shown boxes take room: a folded subtree takes no column, so the report of a menu of
//! thousands of nodes opens as a drawing of its first levels, not one as wide as the whole
//! menu. When a box is opened the page lays its drawing out again in its script,
//! [`relayout_script`], the same walk written in JavaScript over the tree the boxes carry in
//! their `data-parent` and `data-rank` attributes. The two must agree: the browser tests open
//! folded pages and compare.

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::menu::graph::MenuGraph;

/// Box size and gaps, in pixels.
pub const BOX_W: f64 = 180.0;
pub const BOX_H: f64 = 64.0;
pub const GAP_X: f64 = 24.0;
pub const GAP_Y: f64 = 70.0;
pub const MARGIN: f64 = 20.0;
/// How far apart an arrow's ends may be for it to be dashed, across and down together, in
/// pixels (about 50 boxes; the example menus are narrower).
pub const LONG: f64 = 10_000.0;
/// Room above the first row and right of the last column (for back arrows).
const TOP: f64 = 20.0;
const RIGHT: f64 = 60.0;

/// Where each vertex goes.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// The layer: the depth from the entry; vertices the entry cannot reach are one layer
    /// below the deepest.
    pub depth: Vec<usize>,
    /// The row the vertex is drawn in: its layer, or for a vertex the entry cannot reach, the
    /// rows below the tree those are wrapped into.
    pub row: Vec<usize>,
    /// The column of the box's left edge, in box widths.
    pub x: Vec<f64>,
    /// The vertex's parent in the tree (none for the entry and the unreached).
    pub parent: Vec<Option<usize>>,
    /// The vertex's place among its parent's children (`Some(0)` for the entry, `None` for the
    /// unreached): the order the layout puts them in, left to right.
    pub rank: Vec<Option<usize>>,
    /// Whether the vertex is drawn (the others are folded away and take no room).
    pub shown: Vec<bool>,
}

impl Layout {
    /// The drawing's width and height in pixels (of the shown boxes).
    pub fn size(&self) -> (f64, f64) {
        let columns = self.visible().map(|v| self.x[v] + 1.0).fold(0.0, f64::max);
        let rows = self.visible().map(|v| self.row[v] + 1).max().unwrap_or(1);
        (
            2.0 * MARGIN + columns * (BOX_W + GAP_X) - GAP_X + RIGHT,
            2.0 * MARGIN + rows as f64 * (BOX_H + GAP_Y) - GAP_Y + TOP,
        )
    }

    /// The left and top of a vertex's box, in pixels.
    pub fn corner(&self, v: usize) -> (f64, f64) {
        (
            MARGIN + self.x[v] * (BOX_W + GAP_X),
            MARGIN + TOP + self.row[v] as f64 * (BOX_H + GAP_Y),
        )
    }

    fn visible(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.x.len()).filter(|&v| self.shown[v])
    }
}

/// The layered tree layout of a menu graph, with the vertices deeper than `folded_below` (when
/// given) folded away.
pub fn layout(graph: &MenuGraph, folded_below: Option<usize>) -> Layout {
    let n = graph.graph.node_count();
    let mut depth = vec![usize::MAX; n];
    let mut parent = vec![None; n];
    let mut rank = vec![None; n];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut order = Vec::new();
    if let Some(entry) = graph.entry() {
        depth[entry.index()] = 0;
        rank[entry.index()] = Some(0);
        order.push(entry.index());
        let mut i = 0;
        while i < order.len() {
            let v = order[i];
            // Edges in file order (petgraph lists a vertex's edges newest first).
            let mut out: Vec<_> = graph.graph.edges(NodeIndex::new(v)).collect();
            out.sort_by_key(|e| e.id().index());
            for e in out {
                let t = e.target().index();
                if depth[t] == usize::MAX {
                    depth[t] = depth[v] + 1;
                    parent[t] = Some(v);
                    rank[t] = Some(children[v].len());
                    children[v].push(t);
                    order.push(t);
                }
            }
            i += 1;
        }
    }
    let deepest = order.iter().map(|&v| depth[v]).max().map_or(0, |d| d + 1);
    for d in depth.iter_mut().filter(|d| **d == usize::MAX) {
        *d = deepest;
    }
    let shown: Vec<bool> = depth
        .iter()
        .map(|&d| folded_below.is_none_or(|f| d <= f))
        .collect();
    let mut x = vec![0.0; n];
    let mut row = depth.clone();
    let mut next_leaf = 0.0;
    // Post-order over the shown tree: leaves take the next column, parents centre over their
    // shown children.
    if let Some(&root) = order.first().filter(|&&r| shown[r]) {
        let mut stack = vec![(root, false)];
        while let Some((v, done)) = stack.pop() {
            let mut open = children[v].iter().copied().filter(|&c| shown[c]);
            match (open.next(), done) {
                (None, _) => {
                    x[v] = next_leaf;
                    next_leaf += 1.0;
                }
                (Some(first), true) => {
                    let last = open.next_back().unwrap_or(first);
                    x[v] = (x[first] + x[last]) / 2.0;
                }
                (Some(_), false) => {
                    stack.push((v, true));
                    for &c in children[v].iter().rev().filter(|&&c| shown[c]) {
                        stack.push((c, false));
                    }
                }
            }
        }
    }
    // The shown unreached vertices: rows below the tree, in file order.
    let unreached: Vec<usize> = (0..n).filter(|&v| rank[v].is_none() && shown[v]).collect();
    let per_row = (next_leaf as usize)
        .max((unreached.len() as f64).sqrt().ceil() as usize)
        .max(1);
    for (i, &v) in unreached.iter().enumerate() {
        x[v] = (i % per_row) as f64;
        row[v] = deepest + i / per_row;
    }
    Layout {
        depth,
        row,
        x,
        parent,
        rank,
        shown,
    }
}

/// The page script's version of [`layout`] and of the arrows' paths: `ivrRelayout(svg)` lays
/// out the boxes in `svg` (the boxes folded away are not in it), moves them, redraws the
/// arrows and resizes the drawing. Folded drawings give each arrow its number (`data-k`),
/// which the paths' offsets depend on.
pub fn relayout_script() -> String {
    format!(
        r#"
function ivrRelayout(svg){{
  var W={BOX_W},H={BOX_H},GX={GAP_X},GY={GAP_Y},M={MARGIN},T={TOP},R={RIGHT};
  var all=svg.querySelectorAll('.node'),kids={{}},root=null,loose=[],at={{}};
  var num=function(g,name){{return +g.getAttribute(name);}};
  var index=function(g){{return +g.id.slice(5);}};
  all.forEach(function(g){{
    var p=g.getAttribute('data-parent');
    if(!g.hasAttribute('data-rank')){{loose.push(g);}}else if(p===null){{root=g;}}else{{(kids[p]=kids[p]||[]).push(g);}}
  }});
  for(var p in kids){{kids[p].sort(function(a,b){{return num(a,'data-rank')-num(b,'data-rank');}});}}
  var next=0,stack=root?[[root,false]]:[];
  while(stack.length){{
    var top=stack.pop(),g=top[0],cs=kids[g.id]||[];
    if(!cs.length){{at[g.id]={{x:next,row:num(g,'data-depth')}};next+=1;}}
    else if(top[1]){{at[g.id]={{x:(at[cs[0].id].x+at[cs[cs.length-1].id].x)/2,row:num(g,'data-depth')}};}}
    else{{stack.push([g,true]);for(var i=cs.length-1;i>=0;i--){{stack.push([cs[i],false]);}}}}
  }}
  loose.sort(function(a,b){{return index(a)-index(b);}});
  var per=Math.max(next,Math.ceil(Math.sqrt(loose.length)),1);
  loose.forEach(function(g,i){{at[g.id]={{x:i%per,row:num(g,'data-depth')+Math.floor(i/per)}};}});
  var cols=0,rows=1,f=function(v){{return v.toFixed(1);}};
  all.forEach(function(g){{
    var p=at[g.id];
    if(!p){{return;}}
    p.parent=g.getAttribute('data-parent');
    cols=Math.max(cols,p.x+1);rows=Math.max(rows,p.row+1);
    p.left=M+p.x*(W+GX);p.top=M+T+p.row*(H+GY);
    g.setAttribute('transform','translate('+f(p.left)+','+f(p.top)+')');
  }});
  svg.querySelectorAll('.edge').forEach(function(e){{
    var from=e.getAttribute('data-from'),to=e.getAttribute('data-to'),a=at[from],b=at[to],k=num(e,'data-k');
    if(!a||!b){{return;}}
    var x1=a.left+W/2,y1=a.top+H,x2=b.left+W/2,y2=b.top,d,lx,ly;
    if(b.parent===from||b.row>a.row){{
      var mid=(y1+y2)/2;
      d='M'+f(x1)+','+f(y1)+' C'+f(x1)+','+f(mid)+' '+f(x2)+','+f(mid)+' '+f(x2)+','+f(y2);
      lx=(x1+x2)/2;ly=(y1+y2)/2;
    }}else if(b.row===a.row&&from!==to){{
      var below=y1+28+4*(k%4);
      d='M'+f(x1)+','+f(y1)+' C'+f(x1)+','+f(below)+' '+f(x2)+','+f(below)+' '+f(x2)+','+f(y1);
      lx=(x1+x2)/2;ly=y1+24;
    }}else{{
      var sx=a.left+W,sy=a.top+H/2,ex=b.left+W,ey=b.top+H/2,ox=Math.max(sx,ex)+30+6*(k%5);
      d='M'+f(sx)+','+f(sy)+' C'+f(ox)+','+f(sy)+' '+f(ox)+','+f(ey)+' '+f(ex)+','+f(ey);
      lx=a.left+W+8;ly=a.top+H/2-4;
    }}
    var path=e.querySelector('path');
    path.setAttribute('d',d);
    if(e.classList.contains('error')){{
      if(Math.abs(b.left-a.left)+Math.abs(b.top-a.top)>{LONG}){{path.removeAttribute('stroke-dasharray');}}else{{path.setAttribute('stroke-dasharray','5 3');}}
    }}
    var label=e.querySelector('text');
    if(label){{label.setAttribute('x',f(lx));label.setAttribute('y',f(ly));}}
  }});
  var width=2*M+cols*(W+GX)-GX+R,height=2*M+rows*(H+GY)-GY+T;
  svg.setAttribute('width',width.toFixed(0));svg.setAttribute('height',height.toFixed(0));
  svg.setAttribute('viewBox','0 0 '+width.toFixed(0)+' '+height.toFixed(0));
}}
"#
    )
}
