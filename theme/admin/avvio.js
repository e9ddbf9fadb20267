/* Loaded before Decap CMS: the editor starts once catalogo-cms.js has registered its format and preview. */
window.CMS_MANUAL_INIT = true;
