// CART as synthpop's syn.cart: columns are synthesized one after another; the
// first is a random sample of its real values, each later one is predicted by a
// tree grown on the real data from the columns before it, and a synthetic row
// takes the real value of a random donor in the leaf its synthetic predictors
// reach (minbucket 5, synthpop's default).
import { binnerFor, growTree, leafOf, type Binner, type Target, type TreeNode } from "../tree";
import { emptyLike } from "../table";
import type { Synthesizer } from "./types";

const MIN_LEAF = 5;
const MAX_DEPTH = 30;

export const cart: Synthesizer = {
  id: "cart",
  label: "CART (synthpop)",
  description: "Sequential trees, each column predicted from the ones before it; synthetic values are donated by real rows of the leaf (minbucket 5).",
  benchOnly: false,
  fit(train) {
    const binners: Binner[] = train.columns.map(binnerFor);
    const X = train.columns.map((c, j) => binners[j]!.bin(c));
    const trees: (TreeNode | null)[] = train.columns.map((col, j) => {
      if (j === 0) return null;
      const target: Target = col.kind === "numeric" ? { kind: "regression", values: col.values } : { kind: "classification", classes: col.codes, k: col.categories.length };
      return growTree(X.slice(0, j), binners.slice(0, j), target, { minLeaf: MIN_LEAF, maxDepth: MAX_DEPTH });
    });
    return {
      sample(rows, rng) {
        const out = emptyLike(train, rows);
        const synX: Uint16Array[] = [];
        out.columns.forEach((c, j) => {
          const src = train.columns[j]!;
          const tree = trees[j];
          for (let i = 0; i < rows; i++) {
            let donor: number;
            if (!tree) donor = rng.int(train.rows);
            else {
              const leaf = leafOf(tree, synX, i);
              donor = leaf.rows[rng.int(leaf.rows.length)]!;
            }
            if (c.kind === "numeric" && src.kind === "numeric") c.values[i] = src.values[donor]!;
            else if (c.kind === "categorical" && src.kind === "categorical") c.codes[i] = src.codes[donor]!;
          }
          synX.push(binners[j]!.bin(c));
        });
        return out;
      },
    };
  },
};
