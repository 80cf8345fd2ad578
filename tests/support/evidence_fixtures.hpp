#pragma once
// A price break as the categorisers see it: 100 shares booked at 10.00, confirmed at 10.50.
#include <string>

#include "recon/categorise/evidence.hpp"
#include "recon/categorise/valuation.hpp"

namespace recon::testing {

inline categorise::AnomalyEvidence PriceBreakEvidence(std::string trade_id, std::string comment) {
  categorise::AnomalyEvidence evidence;
  evidence.trade_id = std::move(trade_id);
  evidence.currency = "USD";
  evidence.book_quantity = evidence.street_quantity = 100;
  evidence.book_price = 10.0;
  evidence.street_price = 10.5;
  evidence.price_diff = -0.5;
  evidence.book_amount = 1000;
  evidence.street_amount = 1050;
  evidence.amount_diff = -50;
  evidence.comment = std::move(comment);
  categorise::Valuer(categorise::ValuationParams{}).Value(evidence);
  return evidence;
}

}  // namespace recon::testing
