"""The editors' doors: web editor config, issue forms, segnalazione, the 'new' scaffold."""
