"""The technician's app (the PWA built into `pwa/dist`), served by Flask next to the API."""
