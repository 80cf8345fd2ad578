#include "recon/models/lof/kd_tree.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "recon/core/error.hpp"
#include "recon/core/parallel.hpp"
#include "recon/core/vector_clones.hpp"
#include "recon/models/lof/exact_scan.hpp"
#include "recon/models/lof/knn_index.hpp"

namespace recon::models {
namespace {

// Large leaves: with four distances per instruction, a point measured costs less than a node descended or a branch
// mispredicted (from 32 to 96 points per leaf the searches took the same time).
constexpr std::uint32_t kLeafSize = 48;
// The search's stack holds at most one node per level. Middle cuts can be lopsided, so from kMedianFromLevel on the
// tree cuts at the median instead, which halves the points: 32 more levels hold 2^32.
constexpr std::size_t kMedianFromLevel = 32;
constexpr std::size_t kMaxDepth = 64;
constexpr std::size_t kQueriesPerTask = 64;
constexpr double kSerialBelowQueries = 256;  // an all-neighbours pass smaller than this is not worth a thread
// The lower bounds that skip subtrees are sums kept incrementally down the tree (one addition and one subtraction
// a level); their rounding, and the leaves' own, stay far below this fraction of the largest sum a query can
// meet, which is the margin pruning allows.
constexpr double kPruneMargin = 1e-12;

// What a search reads, as plain pointers, so the searches can be free functions compiled for several vector widths.
struct TreeView {
  const KdTree::Node* nodes;
  const double* columns;
  std::size_t stride;
  std::size_t dims;
  const std::uint32_t* original;
  std::size_t rows;
  const double* root_low;
  const double* root_high;
};

// The `count` nearest points to `query` into out[0, count). Depth first, nearer child first, with the farther children
// on an explicit stack (so the whole search is one function, compiled for each vector width) together with the
// per-coordinate gaps that make up their lower bound.
template <class Term>
[[gnu::always_inline]] inline void SearchBody(const TreeView& tree, const double* query, std::size_t count,
                                              Neighbour* out) {
  const std::size_t dims = tree.dims;
  double reach = 0.0;  // the largest distance sum this query can meet: to the far corner of all points
  for (std::size_t dim = 0; dim < dims; ++dim) {
    reach +=
        Term::Of(std::max(std::fabs(query[dim] - tree.root_low[dim]), std::fabs(query[dim] - tree.root_high[dim])));
  }
  const double margin = reach * kPruneMargin;
  RankedList ranked(out, count);
  struct Frame {
    std::uint32_t node;
    double bound;
    double gaps[KdTree::kMaxDims];
  };
  Frame stack[kMaxDepth + 1];
  std::size_t depth = 1;
  stack[0].node = 0;
  stack[0].bound = 0.0;
  for (std::size_t dim = 0; dim < dims; ++dim) stack[0].gaps[dim] = 0.0;
  double gaps[KdTree::kMaxDims];
  while (depth > 0) {
    const Frame& frame = stack[--depth];
    if (frame.bound > ranked.Worst() + margin) continue;
    double lower = frame.bound;
    std::uint32_t node = frame.node;
    for (std::size_t dim = 0; dim < dims; ++dim) gaps[dim] = frame.gaps[dim];
    while (tree.nodes[node].right != 0) {
      const KdTree::Node& split = tree.nodes[node];
      const double coordinate = query[split.dim];
      const double past_low = coordinate - split.low_max;
      const double past_high = coordinate - split.high_min;
      std::uint32_t near = node + 1;
      std::uint32_t far = split.right;
      double cut = Term::Of(past_high);
      if (past_low + past_high >= 0.0) {
        std::swap(near, far);
        cut = Term::Of(past_low);
      }
      const double far_bound = lower - gaps[split.dim] + cut;
      if (far_bound <= ranked.Worst() + margin) {
        Frame& pushed = stack[depth++];
        pushed.node = far;
        pushed.bound = far_bound;
        for (std::size_t dim = 0; dim < dims; ++dim) pushed.gaps[dim] = gaps[dim];
        pushed.gaps[split.dim] = cut;
      }
      node = near;
    }
    const KdTree::Node& leaf = tree.nodes[node];
    ScanPoints<Term>(tree.columns, tree.stride, dims, leaf.begin, leaf.end, query, tree.original, ranked);
  }
  RankUnknownLast(ranked.Filled(), count, tree.rows, out);
}

// One search function per metric, each compiled for AVX2 and for baseline x86-64 (core/vector_clones.hpp).
using SearchFunction = void (*)(const TreeView& tree, const double* query, std::size_t count, Neighbour* out);

RECON_VECTOR_CLONES void SearchEuclidean(const TreeView& tree, const double* query, std::size_t count,
                                         Neighbour* out) {
  SearchBody<SquareTerm>(tree, query, count, out);
}

RECON_VECTOR_CLONES void SearchManhattan(const TreeView& tree, const double* query, std::size_t count,
                                         Neighbour* out) {
  SearchBody<AbsoluteTerm>(tree, query, count, out);
}

SearchFunction SelectSearch(Metric metric) {
  return metric == Metric::kManhattan ? &SearchManhattan : &SearchEuclidean;
}

// Builds the subtree over order[begin, end) of the row-major `points`, depth first into `nodes`, with nanoflann's
// rule: cut the node's cell through its middle, across the coordinate where the cell is widest (of those, where the
// points spread most), the cut moved to the points' range if it misses them, and the points split there unless
// that leaves one side with fewer than half of them. Cells of even shape serve the dense, discrete-valued ODDS
// sets far better than cuts at the median (which visited 1.6x the leaves on annthyroid).
struct TreeBuilder {
  const float* points;
  std::size_t dims;
  std::vector<std::uint32_t>& order;
  std::vector<KdTree::Node>& nodes;

  float At(std::uint32_t row, std::size_t dim) const { return points[row * dims + dim]; }

  std::uint32_t Build(std::uint32_t begin, std::uint32_t end, double* cell_low, double* cell_high, std::size_t level) {
    const auto index = static_cast<std::uint32_t>(nodes.size());
    nodes.push_back({begin, end, 0, 0, 0.0, 0.0});
    if (end - begin <= kLeafSize) return index;
    double widest_cell = 0.0;
    for (std::size_t dim = 0; dim < dims; ++dim) widest_cell = std::max(widest_cell, cell_high[dim] - cell_low[dim]);
    // Extents and bounds ignore coordinates that are not numbers, whose distances are never offered anyway, so
    // that a NaN cannot poison the bounds that prune the points that are numbers.
    std::size_t cut_dim = dims;
    float cut_low = 0.0F;
    float cut_high = 0.0F;
    for (std::size_t dim = 0; dim < dims; ++dim) {
      if (!(cell_high[dim] - cell_low[dim] >= (1.0 - 1e-5) * widest_cell)) continue;
      float low = std::numeric_limits<float>::infinity();
      float high = -std::numeric_limits<float>::infinity();
      for (std::uint32_t pos = begin; pos < end; ++pos) {
        const float value = At(order[pos], dim);
        if (value < low) low = value;
        if (value > high) high = value;
      }
      if (high >= low && (cut_dim == dims || high - low > cut_high - cut_low)) {
        cut_dim = dim;
        cut_low = low;
        cut_high = high;
      }
    }
    if (cut_dim == dims || !(widest_cell > 0.0)) return index;  // all points equal (or not numbers): one leaf
    const std::uint32_t half = (end - begin) / 2;
    std::uint32_t split = begin + half;
    double cut = 0.0;
    const auto first = order.begin() + begin;
    float low_max = -std::numeric_limits<float>::infinity();
    float high_min = std::numeric_limits<float>::infinity();
    if (level < kMedianFromLevel) {
      cut = std::clamp((cell_low[cut_dim] + cell_high[cut_dim]) / 2.0, static_cast<double>(cut_low),
                       static_cast<double>(cut_high));  // cut_low <= cut_high: both are numbers
      // One pass, three parts: [begin, below) under the cut, [below, above) on it, [above, end) over it (and
      // coordinates that are not numbers), with the largest under and the smallest over.
      std::uint32_t below = begin;
      std::uint32_t above = end;
      float largest_under = -std::numeric_limits<float>::infinity();
      float smallest_over = std::numeric_limits<float>::infinity();
      for (std::uint32_t pos = begin; pos < above;) {
        const float value = At(order[pos], cut_dim);
        if (value < cut) {
          largest_under = std::max(largest_under, value);
          std::swap(order[below++], order[pos++]);
        } else if (value == cut) {
          ++pos;
        } else {
          smallest_over = std::min(smallest_over, value);  // a NaN leaves it as it was
          std::swap(order[pos], order[--above]);
        }
      }
      split = below - begin > half ? below : above - begin < half ? above : begin + half;
      low_max = split > below ? static_cast<float>(cut) : largest_under;
      high_min = split < above ? static_cast<float>(cut) : smallest_over;
    } else {
      const auto key = [&](std::uint32_t row) {  // not-a-number last, so the order stays strict
        const float value = At(row, cut_dim);
        return std::isnan(value) ? std::numeric_limits<float>::infinity() : value;
      };
      std::nth_element(first, order.begin() + split, order.begin() + end, [&](std::uint32_t a, std::uint32_t b) {
        return key(a) < key(b) || (key(a) == key(b) && a < b);
      });
      cut = std::min(static_cast<double>(key(order[split])), static_cast<double>(cut_high));
      for (std::uint32_t pos = begin; pos < split; ++pos) low_max = std::max(low_max, At(order[pos], cut_dim));
      for (std::uint32_t pos = split; pos < end; ++pos) high_min = std::min(high_min, At(order[pos], cut_dim));
    }
    const double saved_high = cell_high[cut_dim];
    cell_high[cut_dim] = cut;
    Build(begin, split, cell_low, cell_high, level + 1);
    cell_high[cut_dim] = saved_high;
    const double saved_low = cell_low[cut_dim];
    cell_low[cut_dim] = cut;
    const std::uint32_t right = Build(split, end, cell_low, cell_high, level + 1);
    cell_low[cut_dim] = saved_low;
    nodes[index] = {begin, end, right, static_cast<std::uint32_t>(cut_dim), low_max, high_min};
    return index;
  }
};

}  // namespace

struct KdTreeAccess {
  static TreeView View(const KdTree& tree) {
    return {tree.nodes_.data(),    tree.columns_.data(),  tree.stride_,          tree.dims_,
            tree.original_.data(), tree.original_.size(), tree.root_low_.data(), tree.root_high_.data()};
  }
};

KdTree::KdTree(const features::FeatureMatrix& points, Metric metric) : metric_(metric), dims_(points.Cols()) {
  if (dims_ == 0 || dims_ > kMaxDims) ThrowInternal("KD-tree built over " + std::to_string(dims_) + " dimensions");
  if (points.Rows() >= std::numeric_limits<std::uint32_t>::max()) ThrowInternal("KD-tree over too many points");
  const auto rows = static_cast<std::uint32_t>(points.Rows());
  original_.resize(rows);
  std::iota(original_.begin(), original_.end(), 0U);
  root_low_.assign(dims_, std::numeric_limits<double>::infinity());
  root_high_.assign(dims_, -std::numeric_limits<double>::infinity());
  for (std::size_t row = 0; row < rows; ++row) {
    for (std::size_t dim = 0; dim < dims_; ++dim) {
      root_low_[dim] = std::min(root_low_[dim], static_cast<double>(points.At(row, dim)));
      root_high_[dim] = std::max(root_high_[dim], static_cast<double>(points.At(row, dim)));
    }
  }
  TreeBuilder builder{points.Data(), dims_, original_, nodes_};
  std::vector<double> cell_low = root_low_;
  std::vector<double> cell_high = root_high_;
  if (rows > 0) builder.Build(0, rows, cell_low.data(), cell_high.data(), 0);
  stride_ = rows + kScanLanes;
  columns_.assign(dims_ * stride_, 0.0);
  position_.resize(rows);
  for (std::size_t pos = 0; pos < rows; ++pos) {
    position_[original_[pos]] = static_cast<std::uint32_t>(pos);
    for (std::size_t dim = 0; dim < dims_; ++dim) columns_[dim * stride_ + pos] = points.At(original_[pos], dim);
  }
}

void KdTree::Nearest(const float* query, std::size_t k, Neighbour* out) const {
  if (k == 0) return;
  if (k > Rows()) ThrowInternal("KD-tree asked for more neighbours than it holds");
  double exact[kMaxDims];
  for (std::size_t dim = 0; dim < dims_; ++dim) exact[dim] = query[dim];
  SelectSearch(metric_)(KdTreeAccess::View(*this), exact, k, out);
}

std::vector<Neighbour> KdTree::AllNearest(std::size_t count, unsigned threads) const {
  std::vector<Neighbour> lists(Rows() * count);
  AllNearest(count, threads, [&](std::uint32_t row, std::uint32_t, std::span<Neighbour> list) {
    std::copy(list.begin(), list.end(), lists.begin() + static_cast<std::ptrdiff_t>(row * count));
  });
  return lists;
}

void KdTree::AllNearest(std::size_t count, unsigned threads, const NeighbourSink& sink) const {
  if (count > Rows()) ThrowInternal("KD-tree asked for more neighbours than it holds");
  if (count == 0) return;
  if (static_cast<double>(Rows()) < kSerialBelowQueries) threads = 1;
  const TreeView view = KdTreeAccess::View(*this);
  const SearchFunction search = SelectSearch(metric_);
  // Queries in tree order, so consecutive ones visit the same leaves.
  ParallelFor(Rows(), kQueriesPerTask, threads, [&](std::size_t begin, std::size_t end) {
    double query[kMaxDims];
    std::vector<Neighbour> list(count);
    for (std::size_t pos = begin; pos < end; ++pos) {
      for (std::size_t dim = 0; dim < dims_; ++dim) query[dim] = columns_[dim * stride_ + pos];
      search(view, query, count, list.data());
      sink(original_[pos], static_cast<std::uint32_t>(pos), list);
    }
  });
}

}  // namespace recon::models
