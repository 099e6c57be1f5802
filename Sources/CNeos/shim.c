#include "neos.h"
