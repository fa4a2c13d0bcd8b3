// Package assign computes the automatic assignment of reviewers to the
// eligible cases of a call, exactly optimal, by min-cost flow. It is pure:
// no I/O, no clock, no randomness; the same Problem gives the same Result.
//
// # Hard constraints
//
// A reviewer is never put on a case when
//   - they declared a conflict: the case's ID, or the applicant organisation
//     or a partner among their conflict organisations (ConflictDeclared);
//   - they belong to the applicant organisation, names compared after
//     folding case, accents, punctuation and legal forms (ConflictOrg);
//   - their e-mail domain equals a domain of the applicant team, or one is a
//     subdomain of the other; public webmail domains never count
//     (ConflictDomain);
//   - they, or their organisation, are listed among the partners
//     (ConflictPartner);
//   - the secretariat forbade the pair (Forbidden);
//   - they read neither the case's language nor that of a translation
//     marked author or secretariat (Language).
//
// Loads never exceed MaxLoad, locked and pinned assignments included; a
// reviewer is on a case at most once; a case gets at most K reviewers.
// Pinned pairs and locked existing pairs are always in the result.
//
// # Objective
//
// Among the assignments that meet the constraints, Solve returns one that
// is best in this lexicographic order (Objective):
//
//  1. most assignments, that is fewest empty review slots;
//  2. most affinity: per pair, 6 points for the case's primary action line
//     in the reviewer's expertise, 3 per secondary one, 2 per technology,
//     2 for the sector and 1 per region;
//  3. most balanced loads: least Σ L(L−1)/2 over reviewers, L the load;
//  4. most regional diversity: least number of pairs of one case's
//     reviewers who come from the same region;
//  5. least churn: fewest unlocked existing assignments dropped.
//
// # Network
//
// Each case with free slots is a node supplying K minus its fixed pairs.
// For each region with two or more candidate reviewers it has a
// case-region node, reached by unit arcs whose diversity costs are f, f+1,
// f+2 … (f the fixed reviewers of that region on the case): each reviewer
// costs the same-region pairs it forms with those before it. Case-region
// nodes (or the case itself, for a lone candidate of a region) lead to the
// reviewers by unit arcs carrying the affinity cost amax − affinity and a
// churn cost of 1 unless the pair already exists. Each reviewer reaches
// the sink by unit arcs with load costs L, L+1 … (L its fixed load), one
// per unit of remaining capacity: convex costs that spread the work. A
// slack arc from every case to the sink, of count cost 1 per unit, keeps
// the problem feasible; minimising slack is maximising assignments. Only
// admissible pairs get arcs.
//
// # Encoding the order in integer costs
//
// Every arc carries a vector of tier costs (count, affinity, load,
// diversity, churn), and its scalar cost is Σ W_t·v_t. The weights are
// chosen so that the scalar optimum is the lexicographic optimum, with
// magnitudes that fit in 64 bits even for 10,000 cases.
//
// A flow is optimal for a linear cost exactly when its residual network
// has no cycle of negative cost. This holds for the scalar cost and, as
// the lexicographic order on vectors is a total order compatible with
// addition, for the vector cost too: the difference between two flows
// splits into simple residual cycles, whose costs add up. So the two
// optima coincide if every simple residual cycle has a scalar cost of the
// same sign as its vector.
//
// A simple cycle passes each node at most once, through two of its arcs.
// Every arc that carries affinity or churn has a reviewer at one end, so a
// cycle holds at most 2R of them, R the reviewers in the network. A case-region node
// on a cycle longer than two has at most one arc back to its case and so
// at least one to a reviewer; hence the arcs carrying diversity, the
// case-region ones and the direct case-to-reviewer ones, are at most as
// many as the reviewer arcs, 2R (the two-arc cycle case → case-region →
// case has 2 ≤ 2R). The sink is on at most two arcs of a cycle, so load
// and count arcs are at most 2. With m_t the largest tier-t cost of any
// arc, the tier-t total of a simple cycle is at most B_t = (arcs)·m_t in
// absolute value.
//
// The weights, from the lowest tier up, are W_t = 1 + Σ_{s<t} W_s·B_s (and
// 0 for a tier no arc pays). If the first non-zero entry of a cycle's
// vector is tier t, then |W_t·v_t| ≥ W_t > Σ_{s<t} W_s·|v_s|, so the
// scalar cost has the sign of v_t: the lower tiers can never outweigh a
// higher one. TestTierWeightsDominate checks the inequality on generated
// problems and TestScalarOptimumIsLexicographic checks, by enumerating
// every assignment of small problems, that the least scalar cost always
// has the lexicographically best Objective.
//
// For a realistic call of 5,000 cases and 400 reviewers (loads up to 73,
// affinities up to 27) re-run with existing assignments, the weights are
// 1, 801, 1.3·10⁶, 1.9·10⁸ and 4.0·10¹² (3.3·10¹³ for 10,000 cases); a
// path crosses at most two count arcs, so distances and potentials stay
// within a small multiple of the largest weight, far below the solver's
// limit of 2⁵⁹. Costs beyond it give an error, never an overflow.
//
// # Algorithm
//
// The flow is solved by successive shortest paths with Johnson potentials
// (mcmf.go): Dijkstra on non-negative reduced costs, started at one case
// with supply left and stopped at the sink. Potentials act as an A*
// heuristic; they are made exact by a backward search from the sink
// whenever the searches have scanned as many arcs as the network holds,
// and a case or case-region node scans its arcs in order of cost, leaving
// the expensive ones until a search could need them. BENCHMARKS.md gives
// running times, the variants measured and how to reproduce them.
//
// # Explanations
//
// Each assignment lists the affinity terms that matched, and "pinned" or
// "kept" for pairs it did not choose. For each case left short of K every
// reviewer not on it is charged to the first constraint that excludes it,
// in the order of the list above; one that nothing excludes is at its
// maximum load (LoadFull), since otherwise the optimum would have used it.
package assign
