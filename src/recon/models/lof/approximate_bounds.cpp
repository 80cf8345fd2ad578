#include "recon/models/lof/approximate_bounds.hpp"

#include <cmath>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define RECON_HAVE_AVX2_KERNEL 1
#endif

namespace recon::models {
namespace {

void PortableBounds(const GroupBoundsInput& input, std::size_t begin, const float* admit, float* out,
                    std::uint64_t* masks) {
  const bool manhattan = input.metric == Metric::kManhattan;
  const float norm_weight = manhattan ? -input.relative : 1.0F - input.relative;
  for (std::size_t query = 0; query < kGroupQueries; ++query) {
    masks[query] = 0;
    for (std::size_t point = 0; point < kBlockPoints; ++point) {
      float sum = input.starts[query];
      const float* column = input.columns + begin + point;
      for (std::size_t dim = 0; dim < input.dims; ++dim, column += input.stride) {
        const float coordinate = input.coordinates[dim * kGroupQueries + query];
        sum += manhattan ? std::fabs(*column - coordinate) : *column * coordinate;
      }
      sum += input.norms[begin + point] * norm_weight;
      out[query * kBlockPoints + point] = sum;
      masks[query] |= static_cast<std::uint64_t>(sum <= admit[query]) << point;
    }
  }
}

#ifdef RECON_HAVE_AVX2_KERNEL
constexpr std::size_t kLanes = 8;
constexpr std::size_t kChunkPoints = 2 * kLanes;

__attribute__((target("avx2,fma"))) void Avx2Bounds(const GroupBoundsInput& input, std::size_t begin,
                                                    const float* admit, float* out, std::uint64_t* masks) {
  const bool manhattan = input.metric == Metric::kManhattan;
  const __m256 norm_weight = _mm256_set1_ps(manhattan ? -input.relative : 1.0F - input.relative);
  const __m256 sign = _mm256_set1_ps(-0.0F);
  for (std::size_t query = 0; query < kGroupQueries; ++query) masks[query] = 0;
  for (std::size_t chunk = 0; chunk < kBlockPoints; chunk += kChunkPoints) {
    __m256 sums[kGroupQueries][2];
    for (std::size_t query = 0; query < kGroupQueries; ++query) {
      sums[query][0] = sums[query][1] = _mm256_set1_ps(input.starts[query]);
    }
    const float* column = input.columns + begin + chunk;
    const float* coordinates = input.coordinates;
    if (manhattan) {
      for (std::size_t dim = 0; dim < input.dims; ++dim, column += input.stride, coordinates += kGroupQueries) {
        const __m256 low = _mm256_loadu_ps(column);
        const __m256 high = _mm256_loadu_ps(column + kLanes);
        for (std::size_t query = 0; query < kGroupQueries; ++query) {
          const __m256 coordinate = _mm256_broadcast_ss(coordinates + query);
          sums[query][0] = _mm256_add_ps(sums[query][0], _mm256_andnot_ps(sign, _mm256_sub_ps(low, coordinate)));
          sums[query][1] = _mm256_add_ps(sums[query][1], _mm256_andnot_ps(sign, _mm256_sub_ps(high, coordinate)));
        }
      }
    } else {
      for (std::size_t dim = 0; dim < input.dims; ++dim, column += input.stride, coordinates += kGroupQueries) {
        const __m256 low = _mm256_loadu_ps(column);
        const __m256 high = _mm256_loadu_ps(column + kLanes);
        for (std::size_t query = 0; query < kGroupQueries; ++query) {
          const __m256 coordinate = _mm256_broadcast_ss(coordinates + query);
          sums[query][0] = _mm256_fmadd_ps(low, coordinate, sums[query][0]);
          sums[query][1] = _mm256_fmadd_ps(high, coordinate, sums[query][1]);
        }
      }
    }
    const __m256 low_norms = _mm256_mul_ps(_mm256_loadu_ps(input.norms + begin + chunk), norm_weight);
    const __m256 high_norms = _mm256_mul_ps(_mm256_loadu_ps(input.norms + begin + chunk + kLanes), norm_weight);
    for (std::size_t query = 0; query < kGroupQueries; ++query) {
      const __m256 low = _mm256_add_ps(sums[query][0], low_norms);
      const __m256 high = _mm256_add_ps(sums[query][1], high_norms);
      _mm256_storeu_ps(out + query * kBlockPoints + chunk, low);
      _mm256_storeu_ps(out + query * kBlockPoints + chunk + kLanes, high);
      const __m256 limit = _mm256_set1_ps(admit[query]);
      const auto bits = static_cast<std::uint64_t>(_mm256_movemask_ps(_mm256_cmp_ps(low, limit, _CMP_LE_OQ))) |
                        static_cast<std::uint64_t>(_mm256_movemask_ps(_mm256_cmp_ps(high, limit, _CMP_LE_OQ)))
                            << kLanes;
      masks[query] |= bits << chunk;
    }
  }
}
#endif

}  // namespace

GroupBoundsKernel SelectGroupBoundsKernel() {
#ifdef RECON_HAVE_AVX2_KERNEL
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return &Avx2Bounds;
#endif
  return &PortableBounds;
}

GroupBoundsKernel PortableGroupBoundsKernel() { return &PortableBounds; }

}  // namespace recon::models
