// Tables that become one card per row on a phone: each body cell gets its column's heading as
// `data-label`, which the stylesheet shows before the value below 760 px.

export function stackable(table) {
  table.classList.add('sb-stack');
  const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
  for (const row of table.querySelectorAll('tbody tr')) {
    [...row.children].forEach((cell, i) => { if (heads[i]) cell.dataset.label = heads[i]; });
  }
  return table;
}
