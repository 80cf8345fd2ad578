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

std::size_t PortableWithin(const float* values, std::size_t size, float limit, std::uint32_t* positions) {
  std::size_t found = 0;
  for (std::size_t idx = 0; idx < size; ++idx) {
    positions[found] = static_cast<std::uint32_t>(idx);
    found += static_cast<std::size_t>(values[idx] <= limit);
  }
  return found;
}

#ifdef RECON_HAVE_AVX2_KERNEL
// For each 8-bit mask, the lanes whose bit is set, first to last, one per byte: the positions a compress
// instruction (AVX-512) would pack, widened and added to the chunk's first index. Walking the set bits one by one
// instead mispredicted a branch per chunk (the gather was a quarter of the small-set search; this, a twentieth).
struct CompressTable {
  std::uint64_t lanes[256];
  constexpr CompressTable() : lanes() {
    for (unsigned mask = 0; mask < 256; ++mask) {
      std::uint64_t packed = 0;
      unsigned out = 0;
      for (unsigned lane = 0; lane < 8; ++lane) {
        if ((mask >> lane) & 1U) packed |= static_cast<std::uint64_t>(lane) << (8 * out++);
      }
      lanes[mask] = packed;
    }
  }
};
constexpr CompressTable kCompressTable;

__attribute__((target("avx2"))) std::size_t Avx2Within(const float* values, std::size_t size, float limit,
                                                       std::uint32_t* positions) {
  const __m256 bound = _mm256_set1_ps(limit);
  __m256i base = _mm256_setzero_si256();
  const __m256i step = _mm256_set1_epi32(8);
  std::size_t found = 0;
  for (std::size_t idx = 0; idx < size; idx += 8) {
    const auto mask =
        static_cast<unsigned>(_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(values + idx), bound, _CMP_LE_OQ)));
    const __m256i lanes = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(static_cast<long long>(kCompressTable.lanes[mask])));
    // All eight stored; those past the count are overwritten by the next store or ignored.
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(positions + found), _mm256_add_epi32(base, lanes));
    found += static_cast<std::size_t>(__builtin_popcount(mask));
    base = _mm256_add_epi32(base, step);
  }
  return found;
}

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

WithinKernel SelectWithinKernel() {
#ifdef RECON_HAVE_AVX2_KERNEL
  if (__builtin_cpu_supports("avx2")) return &Avx2Within;
#endif
  return &PortableWithin;
}

WithinKernel PortableWithinKernel() { return &PortableWithin; }

GroupBoundsKernel PortableGroupBoundsKernel() { return &PortableBounds; }

}  // namespace recon::models
