// Under CI=true Ink writes a lone "\n" on unmount and changes its output; tests
// render as on a developer's terminal. Colours are pinned off so frames compare.
delete process.env['CI'];
process.env['FORCE_COLOR'] = '0';
