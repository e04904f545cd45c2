/* Two fixes to the Django admin's own scripts (Django 5.2), for screen readers; loaded on every
   admin page by templates/admin/base_site.html. Both widgets are drawn by the admin's scripts
   after the page loads (and again when an inline row is added), so a MutationObserver applies
   the fixes whenever they appear.

   1. filter_horizontal (SelectFilter2.js) puts aria-label on a plain <span>, the search box's
      icon, which ARIA does not allow (axe: aria-prohibited-attr, WCAG 4.1.2): the span becomes
      role="img", so its text still names the search box through the <label> around it.
   2. autocomplete_fields (select2) name their combobox only by the option chosen, so an empty
      one has no name (axe: aria-input-field-name): it is named by the field's own <label>
      first, then by the option chosen, and the read-only box showing the choice by the label. */
'use strict';
{
    const fix = () => {
        document.querySelectorAll('span.search-label-icon[aria-label]:not([role])').forEach(
            icon => icon.setAttribute('role', 'img')
        );
        document.querySelectorAll('select.admin-autocomplete').forEach(select => {
            const label = select.labels && select.labels[0];
            const combobox = select.nextElementSibling &&
                select.nextElementSibling.querySelector('.select2-selection[role="combobox"]');
            if (!label || !combobox || combobox.dataset.labelled) {
                return;
            }
            label.id = label.id || `${select.id}-label`;
            const chosen = combobox.getAttribute('aria-labelledby');
            combobox.setAttribute('aria-labelledby', chosen ? `${label.id} ${chosen}` : label.id);
            const shown = chosen && document.getElementById(chosen);
            if (shown) {
                shown.setAttribute('aria-labelledby', label.id);
            }
            combobox.dataset.labelled = 'yes';
        });
    };
    new MutationObserver(fix).observe(document.documentElement, {childList: true, subtree: true});
    document.addEventListener('DOMContentLoaded', fix);
}
